// Bearer-token authentication (RFC 6750 "Authorization: Bearer <token>").
//
// Guarantees: the check does not leak the expected token through timing.
// Both the expected and the presented token are hashed with SHA-256 and the
// two 32-byte digests are compared with OpenSSL's CRYPTO_memcmp, whose time
// depends only on the (fixed) length. So neither the token's length nor the
// position of the first differing byte changes the comparison time. (Hashing
// the presented token takes time proportional to its length, which tells an
// attacker only what they already know.)
// The scheme name is case-insensitive; one or more spaces may follow it.
//
// Thread safety: immutable after construction; accepts() may be called from
// any thread.
#pragma once

#include <array>
#include <string_view>

namespace driftd::http {

class BearerAuth {
 public:
  // REQUIRES: `token` is not empty (throws std::invalid_argument otherwise).
  explicit BearerAuth(std::string_view token);

  // The outcome for one request's Authorization header value ("" if absent).
  enum class Result { ok, missing, invalid };
  Result check(std::string_view authorization_header) const;
  bool accepts(std::string_view authorization_header) const {
    return check(authorization_header) == Result::ok;
  }

 private:
  std::array<unsigned char, 32> expected_digest_{};  // SHA-256 of the token
};

}  // namespace driftd::http
