#include "cluster/numbered_key.h"

#include <algorithm>
#include <charconv>

namespace driftd::cluster {
namespace {

constexpr std::size_t kDigits = 20;  // UINT64_MAX has 20

}  // namespace

std::string numbered_key(std::string_view stream, std::string_view infix, std::uint64_t number) {
  const std::string digits = std::to_string(number);
  return std::string(stream) + std::string(infix) + std::string(kDigits - digits.size(), '0') +
         digits;
}

std::optional<NumberedKey> parse_numbered_key(std::string_view key, std::string_view infix) {
  const std::size_t at = key.find(infix);
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  const std::string_view digits = key.substr(at + infix.size());
  if (digits.size() != kDigits ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  NumberedKey out{std::string(key.substr(0, at)), 0};
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), out.number);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return out;
}

}  // namespace driftd::cluster
