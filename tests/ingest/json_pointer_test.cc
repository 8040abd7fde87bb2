#include "ingest/json_pointer.h"

#include <catch2/catch.hpp>

#include "common/error.h"
#include "ingest/decoder_schema.h"

namespace driftd::ingest {
namespace {

std::vector<std::string> tokens_of(std::string_view text) {
  const auto pointer = JsonPointer::parse(text);
  return {pointer.tokens().begin(), pointer.tokens().end()};
}

TEST_CASE("JSON pointers split into unescaped tokens") {
  CHECK(tokens_of("/price") == std::vector<std::string>{"price"});
  CHECK(tokens_of("/user/geo/country") == std::vector<std::string>{"user", "geo", "country"});
  CHECK(tokens_of("/a~1b") == std::vector<std::string>{"a/b"});
  CHECK(tokens_of("/m~0n") == std::vector<std::string>{"m~n"});
  // ~01 is ~ then 1, not /.
  CHECK(tokens_of("/~01") == std::vector<std::string>{"~1"});
  CHECK(tokens_of("/") == std::vector<std::string>{""});
  CHECK(tokens_of("//") == std::vector<std::string>{"", ""});
  CHECK(tokens_of("/items/0") == std::vector<std::string>{"items", "0"});
  CHECK(tokens_of("/caf\xc3\xa9") == std::vector<std::string>{"caf\xc3\xa9"});
  CHECK(JsonPointer::parse("/a~1b").text() == "/a~1b");
}

TEST_CASE("Invalid JSON pointers are input errors") {
  CHECK_THROWS_AS(JsonPointer::parse(""), InputError);
  CHECK_THROWS_AS(JsonPointer::parse("price"), InputError);
  CHECK_THROWS_AS(JsonPointer::parse("/a~"), InputError);
  CHECK_THROWS_AS(JsonPointer::parse("/a~2"), InputError);
  CHECK_THROWS_WITH(JsonPointer::parse("/a~x"), Catch::Contains("not followed by '0' or '1'"));
}

TEST_CASE("Array indices must be canonical decimals") {
  CHECK(array_index_of("0") == 0);
  CHECK(array_index_of("17") == 17);
  CHECK(array_index_of("4294967295") == 4294967295LL);
  CHECK(array_index_of("4294967296") == -1);
  CHECK(array_index_of("01") == -1);
  CHECK(array_index_of("-1") == -1);
  CHECK(array_index_of("") == -1);
  CHECK(array_index_of("1a") == -1);
}

TEST_CASE("A schema numbers columns within each type") {
  DecoderSchema schema;
  schema.add_numeric("price", "/price")
      .add_categorical("country", "/user/geo/country")
      .add_numeric("age", "/user/age")
      .add_categorical("device", "/device")
      .set_event_time("/ts", TimeUnit::kMilliseconds);
  REQUIRE(schema.features().size() == 4);
  CHECK(schema.numeric_count() == 2);
  CHECK(schema.categorical_count() == 2);
  CHECK(schema.find("age")->column == 1);
  CHECK(schema.find("device")->column == 1);
  CHECK(schema.find("country")->column == 0);
  CHECK(schema.find("nope") == nullptr);
  REQUIRE(schema.event_time());
  CHECK(schema.event_time()->pointer.text() == "/ts");
}

TEST_CASE("A schema refuses bad names and pointers and stays unchanged") {
  DecoderSchema schema;
  schema.add_numeric("price", "/price");
  CHECK_THROWS_AS(schema.add_numeric("price", "/other"), InputError);
  CHECK_THROWS_AS(schema.add_numeric("", "/other"), InputError);
  CHECK_THROWS_WITH(schema.add_categorical("x", "no-slash"), Catch::Contains("feature \"x\""));
  CHECK_THROWS_AS(schema.set_event_time("ts", TimeUnit::kSeconds), InputError);
  CHECK(schema.features().size() == 1);
  CHECK(schema.categorical_count() == 0);
  CHECK_FALSE(schema.event_time());
  // The same pointer may serve two features.
  schema.add_categorical("price_as_category", "/price");
  CHECK(schema.features().size() == 2);
}

}  // namespace
}  // namespace driftd::ingest
