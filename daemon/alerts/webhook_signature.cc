#include "alerts/webhook_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace driftd::alerts {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

std::string webhook_signature(std::string_view secret, int64_t timestamp_ms,
                              std::string_view body) {
  const std::string timestamp = std::to_string(timestamp_ms);
  std::string message = timestamp + ".";
  message.append(body);
  return "t=" + timestamp + ",v1=" + hmac_sha256_hex(secret, message);
}

}  // namespace driftd::alerts
