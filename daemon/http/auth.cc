#include "http/auth.h"

#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace driftd::http {

namespace {

std::array<unsigned char, 32> sha256(std::string_view text) {
  static_assert(SHA256_DIGEST_LENGTH == 32);
  std::array<unsigned char, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<char>(x - 'A' + 'a');
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<char>(y - 'A' + 'a');
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

}  // namespace

BearerAuth::BearerAuth(std::string_view token) {
  if (token.empty()) {
    throw std::invalid_argument("bearer token must not be empty");
  }
  expected_digest_ = sha256(token);
}

BearerAuth::Result BearerAuth::check(std::string_view header) const {
  constexpr std::string_view kScheme = "Bearer";
  if (header.empty()) {
    return Result::missing;
  }
  if (header.size() <= kScheme.size() || !iequals_ascii(header.substr(0, kScheme.size()), kScheme) ||
      header[kScheme.size()] != ' ') {
    return Result::invalid;
  }
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') {
    token.remove_prefix(1);
  }
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) {
    token.remove_suffix(1);
  }
  if (token.empty()) {
    return Result::invalid;
  }
  const auto presented = sha256(token);
  return CRYPTO_memcmp(presented.data(), expected_digest_.data(), presented.size()) == 0
             ? Result::ok
             : Result::invalid;
}

}  // namespace driftd::http
