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

// Found by tests/fuzz/webhook_target.cc: these were accepted, and a CR LF in
// the path or host went into the request line or the Host header as it was.
TEST_CASE("Webhook urls with spaces or control characters are refused") {
  using namespace std::string_literals;
  for (const std::string& bad :
       {"http://h/a\r\nX-Injected: 1"s, "http://h\r\nX-Injected: 1/"s, "http://h/a b"s,
        "http://hooks.example.com\0.evil/"s, "http://h\x01:80/"s, "http://h/\t"s, "http://h/\x7f"s,
        " http://h/"s}) {
    INFO(bad);
    CHECK_THROWS_AS(WebhookTarget::parse(bad), InputError);
  }
  CHECK(WebhookTarget::parse("http://h/a%20b%0D%0A").target == "/a%20b%0D%0A");
}

// Found by tests/fuzz/webhook_target.cc: "127.0.[::1]0.1:8080" gave host
// "127.0.[::1]0.1", whose Host header was then bracketed as IPv6.
TEST_CASE("Webhook hosts with ':' or brackets outside an IPv6 literal are refused") {
  for (const char* bad : {"http://127.0.[::1]0.1:8080/x", "http://a:b:80/", "http://a]:80/",
                          "http://[[::1]:80/"}) {
    INFO(bad);
    CHECK_THROWS_AS(WebhookTarget::parse(bad), InputError);
  }
  CHECK(WebhookTarget::parse("http://[fe80::1]:8080/x").host_header() == "[fe80::1]:8080");
}

}  // namespace
}  // namespace driftd::alerts
