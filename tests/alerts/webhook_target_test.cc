// Webhook target URLs: the RFC 3986 grammar WebhookTarget::parse accepts
// (a table of accepted URLs with what they become, a table of refused ones
// with a word of the message), the Host header and the allowlist.
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "alerts/webhook_target.h"
#include "common/error.h"

namespace driftd::alerts {
namespace {

struct Accepted {
  std::string url;
  bool tls;
  std::string host;
  std::string port;
  std::string target;
};

TEST_CASE("RFC 3986 http and https URLs are accepted and split into host, port and target") {
  const std::vector<Accepted> table = {
      {"http://hooks.example.com/drift?team=ml", false, "hooks.example.com", "80", "/drift?team=ml"},
      {"https://hooks.example.com/drift", true, "hooks.example.com", "443", "/drift"},
      {"HTTPS://Hooks.Example.COM:8443", true, "hooks.example.com", "8443", "/"},
      {"http://a", false, "a", "80", "/"},
      {"http://a/", false, "a", "80", "/"},
      {"http://a:", false, "a", "80", "/"},  // empty port: the default (RFC 3986 3.2.3)
      {"http://a:1", false, "a", "1", "/"},
      {"http://a:65535/x", false, "a", "65535", "/x"},
      {"http://a:00080/", false, "a", "80", "/"},
      {"http://a?x=1", false, "a", "80", "/?x=1"},
      {"http://a/?", false, "a", "80", "/?"},
      {"http://127.0.0.1:9000/hooks/drift", false, "127.0.0.1", "9000", "/hooks/drift"},
      {"http://255.255.255.255/", false, "255.255.255.255", "80", "/"},
      {"http://[::1]:9000", false, "::1", "9000", "/"},
      {"http://[::]/", false, "::", "80", "/"},
      {"http://[2001:DB8::8:800:200C:417A]/", false, "2001:db8::8:800:200c:417a", "80", "/"},
      {"http://[1:2:3:4:5:6:7:8]/", false, "1:2:3:4:5:6:7:8", "80", "/"},
      {"http://[1:2:3:4:5:6:7::]/", false, "1:2:3:4:5:6:7::", "80", "/"},
      {"http://[::2:3:4:5:6:7:8]/", false, "::2:3:4:5:6:7:8", "80", "/"},
      {"http://[::ffff:192.0.2.128]/", false, "::ffff:192.0.2.128", "80", "/"},
      {"http://[1:2:3:4:5:6:1.2.3.4]/", false, "1:2:3:4:5:6:1.2.3.4", "80", "/"},
      {"http://a-b_c~d.e/", false, "a-b_c~d.e", "80", "/"},
      {"http://a!$&'()*+,;=b/", false, "a!$&'()*+,;=b", "80", "/"},  // sub-delims in a reg-name
      {"http://a/p%20q/%7Euser;v=1/a:b@c!$&'()*+,=", false, "a", "80",
       "/p%20q/%7Euser;v=1/a:b@c!$&'()*+,="},
      {"http://a/x?q=a/b?c:d@e%2F%aa", false, "a", "80", "/x?q=a/b?c:d@e%2F%aa"},
      {"http://a//double//slash", false, "a", "80", "//double//slash"},
      {"http://127.0.0.01/", false, "127.0.0.01", "80", "/"},  // not IPv4address: a reg-name
  };
  for (const Accepted& row : table) {
    INFO(row.url);
    const WebhookTarget target = WebhookTarget::parse(row.url);
    CHECK(target.tls == row.tls);
    CHECK(target.host == row.host);
    CHECK(target.port == row.port);
    CHECK(target.target == row.target);
  }
}

struct Refused {
  std::string url;
  std::string word;  // part of the message
};

TEST_CASE("Anything outside the grammar is refused with a message saying what and where") {
  const std::vector<Refused> table = {
      // Header injection and request smuggling (issue 9): CR, LF, spaces.
      {"http://host/x\r\nX-Injected: yes", "control character 0x0d at character 14 (in the path)"},
      {"http://host/y HTTP/1.1\r\nHost: evil\r\n\r\nGET /smuggled", "a space at character 14"},
      {"http://host/x?a=\nb", "control character 0x0a at character 17 (in the query)"},
      {"http://host\r\n/x", "control character 0x0d at character 12 (in the host)"},
      {"http://host:80\r\n/x", "port"},
      {std::string("http://host/x\0y", 15), "control character 0x00"},
      {"http://host/\x7f", "control character 0x7f"},
      {"http://host/\t", "control character 0x09"},
      {"http://host/caf\xc3\xa9", "non-ASCII byte 0xc3"},
      {"http://host/a b", "a space"},
      {"http://host/?a b", "a space"},
      {"http://ho st/", "a space"},
      {"http://host/<script>", "'<'"},
      {"http://host/\"", "'\"'"},
      {"http://host/a\\b", "'\\'"},
      {"http://host/{x}", "'{'"},
      {"http://host/a|b", "'|'"},
      {"http://host/a^b", "'^'"},
      {"http://host/a`b", "'`'"},
      {"http://host/?[x]", "'['"},
      // pct-encoded must be '%' HEXDIG HEXDIG.
      {"http://host/%", "'%' at character 13"},
      {"http://host/%4", "not followed by two hex digits"},
      {"http://host/%zz", "not followed by two hex digits"},
      {"http://host/?a=%g0", "not followed by two hex digits"},
      {"http://ho%41st/", "percent-encoding in the host"},
      // Scheme.
      {"ftp://a", "http:// or https://"},
      {"httpx://a", "http:// or https://"},
      {"http:/a", "http:// or https://"},
      {"http:a", "http:// or https://"},
      {"//a/x", "http:// or https://"},
      {"a", "http:// or https://"},
      {"", "http:// or https://"},
      {" http://a/", "http:// or https://"},
      // Authority.
      {"http://", "needs a host"},
      {"https://", "needs a host"},
      {"http:///x", "needs a host"},
      {"http://:80/", "needs a host"},
      {"http://user@a/", "user information"},
      {"http://user:pass@a/", "user information"},
      {"http://a@evil/", "user information"},
      {"http://a:0/", "port"},
      {"http://a:99999", "port"},
      {"http://a:65536", "port"},
      {"http://a:-1", "port"},
      {"http://a:8o", "port"},
      {"http://a:80:80/", "port"},
      {"http://a:99999999999999999999999", "port"},
      {"http://::1/", "needs a host"},
      {"http://[::1/", "never closes"},
      {"http://[::1]x/", "only ':' and a port"},
      {"http://[::1]:0/", "port"},
      {"http://[]/", "not an IPv6 address"},
      {"http://[1:2:3:4:5:6:7:8:9]/", "not an IPv6 address"},
      {"http://[1:2:3:4:5:6:7]/", "not an IPv6 address"},
      {"http://[1::2::3]/", "not an IPv6 address"},
      {"http://[:::]/", "not an IPv6 address"},
      {"http://[1:2:3:4:5:6:7:8::]/", "not an IPv6 address"},
      {"http://[12345::]/", "not an IPv6 address"},
      {"http://[::g]/", "not an IPv6 address"},
      {"http://[1.2.3.4::]/", "not an IPv6 address"},
      {"http://[::1.2.3.256]/", "not an IPv6 address"},
      {"http://[::01.2.3.4]/", "not an IPv6 address"},
      {"http://[127.0.0.1]/", "not an IPv6 address"},
      {"http://[v1.fe]/", "IPvFuture"},
      {"http://[fe80::1%25eth0]/", "zone identifiers"},
      {"http://a[::1]/", "'['"},
      // Fragments are refused.
      {"http://a/x#frag", "fragment"},
      {"http://a#", "fragment"},
      {"http://a/?q#f", "fragment"},
  };
  for (const Refused& row : table) {
    INFO(row.url);
    try {
      WebhookTarget::parse(row.url);
      FAIL_CHECK("accepted");
    } catch (const InputError& error) {
      const std::string message = error.what();
      CHECK(message.rfind("url: ", 0) == 0);
      CHECK_THAT(message, Catch::Contains(row.word));
    }
  }
}

TEST_CASE("The Host header and the allowlist use the normalized host and port") {
  const WebhookTarget plain = WebhookTarget::parse("http://hooks.example.com/drift?team=ml");
  const WebhookTarget v6 = WebhookTarget::parse("http://[::1]:9000");
  CHECK(plain.allowed_by(std::nullopt));
  CHECK(plain.allowed_by(std::vector<std::string>{"hooks.example.com"}));
  CHECK(plain.allowed_by(std::vector<std::string>{"hooks.example.com:80"}));
  CHECK(plain.allowed_by(std::vector<std::string>{"HOOKS.example.com"}));
  CHECK(WebhookTarget::parse("http://HOOKS.EXAMPLE.COM/").allowed_by(
      std::vector<std::string>{"hooks.example.com"}));
  CHECK_FALSE(plain.allowed_by(std::vector<std::string>{"hooks.example.com:8080"}));
  CHECK_FALSE(plain.allowed_by(std::vector<std::string>{}));
  CHECK(v6.allowed_by(std::vector<std::string>{"[::1]:9000"}));
  CHECK(plain.host_header() == "hooks.example.com");
  CHECK(v6.host_header() == "[::1]:9000");
  const WebhookTarget secure = WebhookTarget::parse("https://hooks.example.com/drift");
  CHECK(secure.host_header() == "hooks.example.com");
  CHECK(secure.allowed_by(std::vector<std::string>{"hooks.example.com:443"}));
  CHECK(WebhookTarget::parse("HTTPS://h:8443").host_header() == "h:8443");
  CHECK(WebhookTarget::parse("http://[::1]/").host_header() == "[::1]");
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
