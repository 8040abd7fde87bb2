#include "config/listen_address.h"

#include <catch2/catch.hpp>

namespace driftd::config {
namespace {

std::optional<ListenAddress> parse(std::string_view text) {
  std::string problem;
  return parse_listen_address(text, problem);
}

std::string problem_of(std::string_view text) {
  std::string problem;
  REQUIRE_FALSE(parse_listen_address(text, problem).has_value());
  return problem;
}

TEST_CASE("Listen addresses accept IPv4 and host names and bracketed IPv6") {
  CHECK(parse("127.0.0.1:8080") == ListenAddress{"127.0.0.1", 8080});
  CHECK(parse("0.0.0.0:0") == ListenAddress{"0.0.0.0", 0});
  CHECK(parse("localhost:65535") == ListenAddress{"localhost", 65535});
  CHECK(parse("metrics-1.example.org:9000") == ListenAddress{"metrics-1.example.org", 9000});
  CHECK(parse("[::1]:8080") == ListenAddress{"::1", 8080});
  CHECK(parse("[::]:80") == ListenAddress{"::", 80});
  CHECK(parse("[2001:db8::7]:443") == ListenAddress{"2001:db8::7", 443});
}

TEST_CASE("Listen addresses print back in the form they parse from") {
  for (const char* text : {"127.0.0.1:8080", "[::1]:8080", "localhost:0"}) {
    CHECK(to_string(*parse(text)) == text);
  }
}

TEST_CASE("Listen addresses refuse malformed shapes") {
  const std::string shape = "must be \"host:port\", such as \"127.0.0.1:8080\" or \"[::1]:8080\"";
  for (const char* bad : {"", "localhost", ":8080", "[::1]", "[::1]8080", "[::1:8080"}) {
    INFO(bad);
    CHECK(problem_of(bad) == shape);
  }
}

TEST_CASE("Listen addresses refuse ports outside 0 to 65535") {
  const std::string port = "port must be an integer between 0 and 65535";
  for (const char* bad : {"localhost:", "localhost:65536", "localhost:-1", "localhost:80a",
                          "localhost:123456", "[::1]:99999", "localhost:+80"}) {
    INFO(bad);
    CHECK(problem_of(bad) == port);
  }
}

TEST_CASE("Listen addresses refuse bad hosts") {
  CHECK(problem_of("::1:8080") == "an IPv6 address must be in brackets, such as \"[::1]:8080\"");
  CHECK(problem_of("[::g]:80") == "\"::g\" is not a valid IPv6 address");
  CHECK(problem_of("[127.0.0.1]:80") == "\"127.0.0.1\" is not a valid IPv6 address");
  CHECK(problem_of("256.0.0.1:80") == "\"256.0.0.1\" is not a valid IPv4 address");
  CHECK(problem_of("1.2.3:80") == "\"1.2.3\" is not a valid IPv4 address");
  CHECK(problem_of("my host:80") == "\"my host\" is not a valid host name or address");
  CHECK(problem_of("-host:80") == "\"-host\" is not a valid host name or address");
}

}  // namespace
}  // namespace driftd::config
