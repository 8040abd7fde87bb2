#include "config/json_pointer.h"

#include <catch2/catch.hpp>

namespace driftd::config {
namespace {

using Tokens = std::vector<std::string>;

std::optional<Tokens> parse(std::string_view pointer) {
  std::string problem;
  return parse_json_pointer(pointer, problem);
}

std::string problem_of(std::string_view pointer) {
  std::string problem;
  REQUIRE_FALSE(parse_json_pointer(pointer, problem).has_value());
  return problem;
}

TEST_CASE("JSON Pointers split into unescaped tokens") {
  CHECK(parse("/amount") == Tokens{"amount"});
  CHECK(parse("/a/b/0") == Tokens{"a", "b", "0"});
  CHECK(parse("/a~1b/c~0d") == Tokens{"a/b", "c~d"});
  CHECK(parse("/~01") == Tokens{"~1"});
  CHECK(parse("/") == Tokens{""});
  CHECK(parse("/a//b") == Tokens{"a", "", "b"});
  CHECK(parse("/caf\xc3\xa9 au lait") == Tokens{"caf\xc3\xa9 au lait"});
}

TEST_CASE("JSON Pointers must start with a slash") {
  const std::string expected =
      "must be a JSON Pointer (RFC 6901) starting with \"/\", such as \"/amount\"";
  CHECK(problem_of("") == expected);
  CHECK(problem_of("amount") == expected);
  CHECK(problem_of("#/amount") == expected);
}

TEST_CASE("JSON Pointers refuse a tilde not followed by 0 or 1") {
  const std::string expected =
      "is not a valid JSON Pointer (RFC 6901): \"~\" must be followed by \"0\" or \"1\"";
  CHECK(problem_of("/a~") == expected);
  CHECK(problem_of("/a~2") == expected);
  CHECK(problem_of("/~/b") == expected);
}

}  // namespace
}  // namespace driftd::config
