#include <catch2/catch.hpp>

#include "http/url.h"

using driftd::http::percent_decode;
using driftd::http::percent_encode;
using driftd::http::QueryParams;
using driftd::http::split_target;

TEST_CASE("percent_decode decodes escapes of either case", "[http][url]") {
  CHECK(percent_decode("a%20b%2fc%2F", false) == "a b/c/");
  CHECK(percent_decode("%e2%82%AC", false) == "\xE2\x82\xAC");
  CHECK(percent_decode("", false) == "");
  CHECK(percent_decode("%00x", false) == std::string("\0x", 2));
}

TEST_CASE("percent_decode treats plus as space only in query mode", "[http][url]") {
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK(percent_decode("a+b", false) == "a+b");
  CHECK(percent_decode("a%2Bb", true) == "a+b");
}

TEST_CASE("percent_decode rejects malformed escapes", "[http][url]") {
  CHECK_FALSE(percent_decode("%", false));
  CHECK_FALSE(percent_decode("abc%4", false));
  CHECK_FALSE(percent_decode("%zz", false));
  CHECK_FALSE(percent_decode("%g0", true));
}

TEST_CASE("percent_encode round-trips through percent_decode", "[http][url]") {
  const std::string text = "stream name/with?odd&chars=\xE2\x82\xAC~._-";
  const std::string encoded = percent_encode(text);
  CHECK(encoded.find_first_of(" /?&=") == std::string::npos);
  CHECK(percent_decode(encoded, false) == text);
}

TEST_CASE("split_target separates path query and fragment", "[http][url]") {
  auto parts = split_target("/v1/a?x=1&y=2#frag");
  CHECK(parts.path == "/v1/a");
  CHECK(parts.query == "x=1&y=2");
  parts = split_target("/plain");
  CHECK(parts.path == "/plain");
  CHECK(parts.query.empty());
  parts = split_target("/p?");
  CHECK(parts.path == "/p");
  CHECK(parts.query.empty());
  parts = split_target("/p#only");
  CHECK(parts.path == "/p");
}

TEST_CASE("QueryParams parses names and values in order", "[http][url]") {
  const auto params = QueryParams::parse("from=2024-01-01T00%3A00%3A00Z&tag=a+b&&tag=c&flag&=v");
  REQUIRE(params);
  CHECK(params->find("from") == "2024-01-01T00:00:00Z");
  CHECK(params->find("tag") == "a b");
  CHECK(params->find_all("tag") == std::vector<std::string_view>{"a b", "c"});
  CHECK(params->find("flag") == "");
  CHECK(params->contains("flag"));
  CHECK(params->find("") == "v");
  CHECK_FALSE(params->find("missing"));
  CHECK(params->entries().size() == 5);
}

TEST_CASE("QueryParams rejects malformed escapes", "[http][url]") {
  CHECK_FALSE(QueryParams::parse("a=%4"));
  CHECK_FALSE(QueryParams::parse("%zz=1"));
  CHECK(QueryParams::parse("")->empty());
}
