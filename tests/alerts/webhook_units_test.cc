// Webhook building blocks without a network: the HMAC against RFC 4231's
// test vectors and the signature header. Target URLs: webhook_target_test.cc.
#include <string>

#include <catch2/catch.hpp>

#include "alerts/webhook_signature.h"

namespace driftd::alerts {
namespace {

TEST_CASE("HMAC-SHA256 matches the RFC 4231 test vectors") {
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There") ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST_CASE("The signature header covers the timestamp and the body") {
  const std::string header = webhook_signature("secret", 1700000000123, R"({"a":1})");
  CHECK(header == "t=1700000000123,v1=" + hmac_sha256_hex("secret", R"(1700000000123.{"a":1})"));
  CHECK(webhook_signature("secret", 1700000000124, R"({"a":1})") != header);
  CHECK(webhook_signature("other", 1700000000123, R"({"a":1})") != header);
}

}  // namespace
}  // namespace driftd::alerts
