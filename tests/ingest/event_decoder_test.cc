#include "ingest/event_decoder.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "histogram/category_dictionary.h"
#include "test_support.h"

namespace driftd::ingest {
namespace {

using testing::decode_one;
using testing::TableResolver;

// One numeric feature "x" at /x and one categorical "c" at /c.
struct XcFixture {
  XcFixture() : decoder(make_schema(), {&resolver}) {}
  static DecoderSchema make_schema() {
    DecoderSchema schema;
    schema.add_numeric("x", "/x").add_categorical("c", "/c");
    return schema;
  }
  EventOutcome decode(std::string_view json) { return decode_one(decoder, json, batch); }
  double x(std::size_t row) const { return batch.numeric(0)[row]; }
  std::string c(std::size_t row) const { return resolver.name(batch.categorical(0)[row]); }

  TableResolver resolver;
  EventDecoder decoder;
  DecodedBatch batch;
};

TEST_CASE("Numeric features: numbers are values and the rest missing or invalid") {
  XcFixture f;
  struct Case {
    const char* json;
    double value;  // NaN: not a value
    bool missing;
    bool invalid;
  };
  const double nan = std::nan("");
  const Case cases[] = {
      {R"({"x": 1})", 1, false, false},
      {R"({"x": -2.5})", -2.5, false, false},
      {R"({"x": 0})", 0, false, false},
      {R"({"x": -0})", -0.0, false, false},
      {R"({"x": 1e3})", 1000, false, false},
      {R"({"x": 1.5E-3})", 0.0015, false, false},
      {R"({"x": 18446744073709551615})", 18446744073709551615.0, false, false},
      {R"({"x": -9223372036854775808})", -9223372036854775808.0, false, false},
      {R"({"x": 123456789012345678901234567890})", 1.2345678901234568e29, false, false},
      {R"({"x": 1e-400})", 0, false, false},
      {R"({"x": 1e308})", 1e308, false, false},
      {R"({"x": 1e400})", nan, false, true},
      {R"({"x": -2e308})", nan, false, true},
      {R"({"x": null})", nan, true, false},
      {R"({})", nan, true, false},
      {R"({"y": 1})", nan, true, false},
      {R"({"x": "1"})", nan, false, true},
      {R"({"x": ""})", nan, false, true},
      {R"({"x": true})", nan, false, true},
      {R"({"x": false})", nan, false, true},
      {R"({"x": [1]})", nan, false, true},
      {R"({"x": {"y": 1}})", nan, false, true},
      {R"({"x": []})", nan, false, true},
  };
  for (const Case& c : cases) {
    INFO(c.json);
    f.batch.clear();
    REQUIRE(f.decode(c.json) == EventOutcome::kRow);
    REQUIRE(f.batch.rows() == 1);
    if (std::isnan(c.value)) {
      CHECK(std::isnan(f.x(0)));
    } else {
      CHECK(f.x(0) == c.value);
      CHECK(std::signbit(f.x(0)) == std::signbit(c.value));
    }
    CHECK(f.batch.numeric_counts(0).missing == (c.missing ? 1u : 0u));
    CHECK(f.batch.numeric_counts(0).invalid == (c.invalid ? 1u : 0u));
    CHECK(is_invalid_number(f.x(0)) == c.invalid);
  }
}

TEST_CASE("Categorical features: strings and raw number or boolean text") {
  XcFixture f;
  struct Case {
    const char* json;
    const char* category;
  };
  const Case cases[] = {
      {R"({"c": "DE"})", "DE"},
      {R"({"c": ""})", ""},
      {R"({"c": "caf\u00e9"})", "caf\xc3\xa9"},
      {"{\"c\": \"caf\xc3\xa9\"}", "caf\xc3\xa9"},
      {R"({"c": "a\"b\\c\/d\n"})", "a\"b\\c/d\n"},
      {R"({"c": "\ud83d\ude00"})", "\xf0\x9f\x98\x80"},
      {R"({"c": 49})", "49"},
      {R"({"c": 49.0})", "49.0"},
      {R"({"c": -1e5})", "-1e5"},
      {R"({"c": 123456789012345678901234567890})", "123456789012345678901234567890"},
      {R"({"c": 1e400})", "1e400"},
      {R"({"c": 7   , "x": 1})", "7"},
      {R"({"c": true})", "true"},
      {R"({"c": false})", "false"},
      {R"({"c": null})", "<missing>"},
      {R"({"x": 1})", "<missing>"},
      {R"({"c": [1, 2]})", "<invalid>"},
      {R"({"c": {"a": "b"}})", "<invalid>"},
  };
  for (const Case& c : cases) {
    INFO(c.json);
    f.batch.clear();
    REQUIRE(f.decode(c.json) == EventOutcome::kRow);
    CHECK(f.c(0) == c.category);
    const std::string expected = c.category;
    CHECK(f.batch.categorical_counts(0).missing == (expected == "<missing>" ? 1u : 0u));
    CHECK(f.batch.categorical_counts(0).invalid == (expected == "<invalid>" ? 1u : 0u));
  }
}

TEST_CASE("Counters add up over a batch and clear keeps capacity") {
  XcFixture f;
  f.batch.reserve(64);
  for (int i = 0; i < 10; ++i) {
    f.decode(R"({"x": 1, "c": "a"})");
    f.decode(R"({"x": null, "c": [1]})");
    f.decode(R"({"x": "s"})");
    f.decode(R"({"x": 1, "c": "a"} junk)");
  }
  CHECK(f.batch.rows() == 30);
  CHECK(f.batch.malformed() == 10);
  CHECK(f.batch.events() == 40);
  CHECK(f.batch.numeric_counts(0).missing == 10);
  CHECK(f.batch.numeric_counts(0).invalid == 10);
  CHECK(f.batch.categorical_counts(0).missing == 10);
  CHECK(f.batch.categorical_counts(0).invalid == 10);
  CHECK(f.batch.numeric(0).size() == 30);
  CHECK(f.batch.categorical(0).size() == 30);
  const double* before = f.batch.numeric(0).data();
  f.batch.clear();
  CHECK(f.batch.rows() == 0);
  CHECK(f.batch.malformed() == 0);
  CHECK(f.batch.numeric_counts(0).missing == 0);
  CHECK(f.batch.numeric(0).empty());
  f.decode(R"({"x": 2})");
  CHECK(f.batch.numeric(0).data() == before);
}

TEST_CASE("Malformed events are counted and leave no trace in the columns") {
  XcFixture f;
  const char* bad[] = {
      "",
      "   ",
      "{",
      "}",
      R"({"x": 1)",
      R"({"x": 1,})",
      R"({"x" 1})",
      R"({x: 1})",
      R"({"x": 1}})",
      R"({"x": 1} {"x": 2})",
      R"({"x": 1}x)",
      R"({"x": 1},)",
      R"([{"x": 1}])",
      R"("just a string")",
      "42",
      "null",
      R"({"x": 01})",
      R"({"x": 1.})",
      R"({"x": -})",
      R"({"x": 1.5x})",
      R"({"x": +1})",
      R"({"x": NaN})",
      R"({"x": Infinity})",
      R"({"x": nul})",
      R"({"x": tru})",
      R"({"c": 1.2.3})",
      R"({"c": fals})",
      R"({"c": "\x"})",
      R"({"c": "\ud800"})",
      R"({"x": 1, "c": "unterminated})",
      "{\"c\": \"\xff\"}",
      "{\"c\": \"a\x01\"}",
  };
  for (const char* json : bad) {
    INFO(json);
    f.batch.clear();
    CHECK(f.decode(json) == EventOutcome::kMalformed);
    CHECK_FALSE(f.decoder.last_reason().empty());
    CHECK(f.batch.rows() == 0);
    CHECK(f.batch.malformed() == 1);
    CHECK(f.batch.numeric_counts(0).missing == 0);
    CHECK(f.batch.numeric_counts(0).invalid == 0);
  }
  f.batch.clear();
  f.decode("[1]");
  CHECK(f.decoder.last_reason() == "not a JSON object");
  f.decode(R"({"x": 1} {"y": 2})");
  CHECK(f.decoder.last_reason() == "characters after the JSON object");
}

TEST_CASE("A malformed event is malformed wherever the error is") {
  TableResolver resolver;
  DecoderSchema schema;
  schema.add_numeric("amount", "/amount")
      .add_numeric("first", "/items/0")
      .add_categorical("country", "/geo/country");
  EventDecoder decoder(schema, {&resolver});
  DecodedBatch batch;
  // Each bad event beside its valid twin: only the error differs.
  struct Case {
    const char* bad;
    const char* valid;
  };
  const Case cases[] = {
      // The value of a repeated key (the first occurrence wins, the second
      // is not read, but it is part of the document).
      {R"({"amount":1,"amount":tru})", R"({"amount":1,"amount":true})"},
      {R"({"amount":1,"amount":01})", R"({"amount":1,"amount":1})"},
      {R"({"geo":{"country":"DE","country":"\q"}})", R"({"geo":{"country":"DE","country":"\n"}})"},
      // A key no feature reads: scalars, escapes, commas and colons.
      {R"({"amount":1,"note":nul})", R"({"amount":1,"note":null})"},
      {R"({"amount":1,"note":-})", R"({"amount":1,"note":-0})"},
      {R"({"amount":1,"note":1.})", R"({"amount":1,"note":1.0})"},
      {R"({"amount":1,"note":"\x41"})", R"({"amount":1,"note":"\u0041"})"},
      {R"({"amount":1,"note":[1 2]})", R"({"amount":1,"note":[1,2]})"},
      {R"({"amount":1,"note":[1,,2]})", R"({"amount":1,"note":[1,2]})"},
      {R"({"amount":1,"note":{"k" 1}})", R"({"amount":1,"note":{"k":1}})"},
      {R"({"amount":1,"note":{"k":1,}})", R"({"amount":1,"note":{"k":1}})"},
      {R"({"amount":1,"note":"k":[{"a":1}]}, "x":2})", R"({"amount":1,"note":{"k":[{"a":1}]}, "x":2})"},
      {R"({"items":[1,"k":[2]}]})", R"({"items":[1,{"k":[2]}]})"},
      {R"({"amount":1,"note":{"\z":1}})", R"({"amount":1,"note":{"\/":1}})"},
      {R"({"amount":1,"note":{"a":[{"b":fals}]}})", R"({"amount":1,"note":{"a":[{"b":false}]}})"},
      // A truncated nested object after the last monitored key.
      {R"({"amount":1,"meta":{"a":{"b":1})", R"({"amount":1,"meta":{"a":{"b":1}}})"},
      // Array elements beyond the schema, objects under a scalar feature.
      {R"({"items":[1,tru]})", R"({"items":[1,true]})"},
      {R"({"amount":[1,tru]})", R"({"amount":[1,true]})"},
      {R"({"amount":{"a":01}})", R"({"amount":{"a":1}})"},
      {R"({"amount":"\q"})", R"({"amount":"\t"})"},
      {R"({"geo":{"country":[nul]}})", R"({"geo":{"country":[null]}})"},
      {R"({"geo":[1,,2]})", R"({"geo":[1,2]})"},
  };
  for (const Case& c : cases) {
    INFO(c.bad);
    batch.clear();
    CHECK(decode_one(decoder, c.bad, batch) == EventOutcome::kMalformed);
    CHECK(batch.malformed() == 1);
    CHECK(batch.rows() == 0);
    CHECK_FALSE(decoder.last_reason().empty());
    INFO(c.valid);
    CHECK(decode_one(decoder, c.valid, batch) == EventOutcome::kRow);
    CHECK(batch.rows() == 1);
  }
  // In an array body too, also in an element that is not an object.
  batch.clear();
  const BodySummary summary =
      testing::decode_body(decoder, R"([{"amount":1}, [tru], {"amount":2,"x":nul}, {"amount":3}])", batch);
  CHECK(summary.rows == 2);
  CHECK(summary.malformed == 2);
}

TEST_CASE("Nested paths keys in any order and unknown keys") {
  TableResolver countries;
  DecoderSchema schema;
  schema.add_numeric("age", "/user/age")
      .add_categorical("country", "/user/geo/country")
      .add_numeric("price", "/price")
      .add_numeric("lat", "/user/geo/lat");
  EventDecoder decoder(schema, {&countries});
  DecodedBatch batch;
  const char* events[] = {
      R"({"price": 9.5, "user": {"age": 31, "geo": {"country": "FR", "lat": 48.8}}})",
      R"({"user": {"geo": {"lat": 48.8, "country": "FR"}, "age": 31}, "price": 9.5})",
      R"({"noise": {"user": {"age": 1}}, "user": {"name": "x", "geo": {"city": "Paris", "country": "FR", "lat": 48.8, "more": [1, {"a": 2}]}, "age": 31, "tags": ["a"]}, "price": 9.5, "z": null})",
  };
  for (const char* json : events) {
    INFO(json);
    batch.clear();
    REQUIRE(decode_one(decoder, json, batch) == EventOutcome::kRow);
    CHECK(batch.numeric(0)[0] == 31);
    CHECK(batch.numeric(1)[0] == 9.5);
    CHECK(batch.numeric(2)[0] == 48.8);
    CHECK(countries.name(batch.categorical(0)[0]) == "FR");
  }
  // An intermediate that is not an object: the features below are missing.
  batch.clear();
  REQUIRE(decode_one(decoder, R"({"user": 5, "price": 1})", batch) == EventOutcome::kRow);
  CHECK(batch.numeric_counts(0).missing == 1);
  CHECK(batch.categorical_counts(0).missing == 1);
  CHECK(batch.numeric_counts(2).missing == 1);
  REQUIRE(decode_one(decoder, R"({"user": {"geo": "FR"}})", batch) == EventOutcome::kRow);
  CHECK(batch.numeric_counts(0).missing == 2);
  CHECK(batch.categorical_counts(0).missing == 2);
}

TEST_CASE("Pointer escapes and escaped or unicode keys") {
  TableResolver resolver;
  DecoderSchema schema;
  schema.add_numeric("slash", "/a~1b")
      .add_numeric("tilde", "/m~0n")
      .add_numeric("accent", "/caf\xc3\xa9")
      .add_numeric("empty", "/")
      .add_numeric("quote", "/q\"k")
      .add_categorical("nested", "/\xc3\xa9t\xc3\xa9/~1~0");
  EventDecoder decoder(schema, {&resolver});
  DecodedBatch batch;
  REQUIRE(decode_one(decoder,
                     R"({"a/b": 1, "m~n": 2, "caf\u00e9": 3, "": 4, "q\"k": 5, )"
                     R"("\u00e9t\u00e9": {"\/~": "v"}})",
                     batch) == EventOutcome::kRow);
  REQUIRE(decode_one(decoder,
                     "{\"a\\/b\": 1, \"m\\u007en\": 2, \"caf\xc3\xa9\": 3, \"\": 4, "
                     "\"q\\u0022k\": 5, \"\xc3\xa9t\xc3\xa9\": {\"/~\": \"v\"}}",
                     batch) == EventOutcome::kRow);
  for (std::size_t row = 0; row < 2; ++row) {
    for (std::size_t column = 0; column < 5; ++column) {
      INFO("row " << row << " column " << column);
      CHECK(batch.numeric(column)[row] == static_cast<double>(column + 1));
    }
    CHECK(resolver.name(batch.categorical(0)[row]) == "v");
  }
  // The escaped spelling of a pointer is not a key.
  batch.clear();
  REQUIRE(decode_one(decoder, R"({"a~1b": 1, "cafe": 3})", batch) == EventOutcome::kRow);
  CHECK(batch.numeric_counts(0).missing == 1);
  CHECK(batch.numeric_counts(2).missing == 1);
}

TEST_CASE("Duplicate keys: the first occurrence wins at every level") {
  TableResolver resolver;
  DecoderSchema schema;
  schema.add_numeric("x", "/x").add_numeric("ab", "/a/b").add_numeric("ac", "/a/c").add_categorical(
      "c", "/c");
  EventDecoder decoder(schema, {&resolver});
  DecodedBatch batch;
  REQUIRE(decode_one(decoder,
                     R"({"x": 1, "x": 2, "a": {"b": 3}, "a": {"b": 4, "c": 5}, "c": "p", "c": "q"})",
                     batch) == EventOutcome::kRow);
  CHECK(batch.numeric(0)[0] == 1);
  CHECK(batch.numeric(1)[0] == 3);
  // Like JSON Pointer evaluation: /a is the first "a", which has no "c".
  CHECK(std::isnan(batch.numeric(2)[0]));
  CHECK(batch.numeric_counts(2).missing == 1);
  CHECK(resolver.name(batch.categorical(0)[0]) == "p");
  CHECK(resolver.calls == 1);
  // A first occurrence that is invalid still wins.
  REQUIRE(decode_one(decoder, R"({"x": "no", "x": 2})", batch) == EventOutcome::kRow);
  CHECK(std::isnan(batch.numeric(0)[1]));
  CHECK(batch.numeric_counts(0).invalid == 1);
  // Escaped and plain spellings of one key are duplicates too.
  REQUIRE(decode_one(decoder, R"({"\u0078": 7, "x": 8})", batch) == EventOutcome::kRow);
  CHECK(batch.numeric(0)[2] == 7);
}

TEST_CASE("Deep nesting: deep features are found, deep noise is checked") {
  TableResolver resolver;
  std::string pointer;
  std::string event;
  for (int depth = 0; depth < 40; ++depth) {
    pointer += "/k" + std::to_string(depth);
    event += "{\"k" + std::to_string(depth) + "\": ";
  }
  event += "42" + std::string(40, '}');
  DecoderSchema schema;
  schema.add_numeric("deep", pointer).add_numeric("x", "/x");
  EventDecoder decoder(schema, {});
  DecodedBatch batch;
  REQUIRE(decode_one(decoder, event, batch) == EventOutcome::kRow);
  CHECK(batch.numeric(0)[0] == 42);

  // 1000 levels of unknown arrays and objects, then the feature.
  const std::string noise = std::string(500, '[') + "{\"a\": " + std::string(499, '[') + "1" +
                            std::string(499, ']') + "}" + std::string(500, ']');
  REQUIRE(decode_one(decoder, "{\"noise\": " + noise + ", \"x\": 3}", batch) == EventOutcome::kRow);
  CHECK(batch.numeric(1)[1] == 3);
  // A value deeper than simdjson's depth limit (1024) is malformed, as for
  // simdjson's validating parser: not a crash or a deep recursion.
  const std::string too_deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(decode_one(decoder, "{\"noise\": " + too_deep + ", \"x\": 3}", batch) ==
        EventOutcome::kMalformed);
  CHECK(decode_one(decoder,
                   "{\"noise\": " + std::string(1100, '[') + std::string(1100, ']') + ", \"x\": 3}",
                   batch) == EventOutcome::kMalformed);
  // Unbalanced, it is malformed.
  CHECK(decode_one(decoder, "{\"noise\": " + too_deep + "], \"x\": 3}", batch) ==
        EventOutcome::kMalformed);
  CHECK(decode_one(decoder, "{\"noise\": " + std::string(100000, '[') + ", \"x\": 3}", batch) ==
        EventOutcome::kMalformed);
  CHECK(batch.rows() == 2);
}

TEST_CASE("Array elements are reached by index") {
  TableResolver resolver;
  DecoderSchema schema;
  schema.add_numeric("first", "/items/0/price")
      .add_categorical("third", "/items/2")
      .add_numeric("named", "/items/10");
  EventDecoder decoder(schema, {&resolver});
  DecodedBatch batch;
  REQUIRE(decode_one(decoder, R"({"items": [{"price": 5}, 1, "z", 3]})", batch) == EventOutcome::kRow);
  CHECK(batch.numeric(0)[0] == 5);
  CHECK(resolver.name(batch.categorical(0)[0]) == "z");
  CHECK(batch.numeric_counts(1).missing == 1);
  // Objects with numeric keys work too.
  REQUIRE(decode_one(decoder, R"({"items": {"2": "w", "10": 1, "0": {"price": 6}}})", batch) ==
          EventOutcome::kRow);
  CHECK(batch.numeric(0)[1] == 6);
  CHECK(resolver.name(batch.categorical(0)[1]) == "w");
  CHECK(batch.numeric(1)[1] == 1);
}

TEST_CASE("A member can be a feature and the parent of another") {
  TableResolver resolver;
  DecoderSchema schema;
  schema.add_numeric("a", "/a").add_numeric("ab", "/a/b").add_categorical("a_cat", "/a");
  EventDecoder decoder(schema, {&resolver});
  DecodedBatch batch;
  REQUIRE(decode_one(decoder, R"({"a": {"b": 2}})", batch) == EventOutcome::kRow);
  CHECK(batch.numeric_counts(0).invalid == 1);
  CHECK(batch.numeric(1)[0] == 2);
  CHECK(batch.categorical(0)[0] == kInvalidCategory);
  REQUIRE(decode_one(decoder, R"({"a": 7})", batch) == EventOutcome::kRow);
  CHECK(batch.numeric(0)[1] == 7);
  CHECK(batch.numeric_counts(1).missing == 1);
  CHECK(resolver.name(batch.categorical(0)[1]) == "7");
  REQUIRE(decode_one(decoder, R"({"a": "s\u00e9"})", batch) == EventOutcome::kRow);
  CHECK(batch.numeric_counts(0).invalid == 2);
  CHECK(resolver.name(batch.categorical(0)[2]) == "s\xc3\xa9");
}

TEST_CASE("Event time in every unit and invalid event times drop the event") {
  TableResolver resolver;
  for (const auto& [unit, json, expected] :
       std::vector<std::tuple<TimeUnit, std::string, std::int64_t>>{
           {TimeUnit::kSeconds, "1700000000", 1700000000000},
           {TimeUnit::kSeconds, "1700000000.123", 1700000000123},
           {TimeUnit::kSeconds, "1.7e9", 1700000000000},
           {TimeUnit::kMilliseconds, "1700000000123", 1700000000123},
           {TimeUnit::kMilliseconds, "1700000000123.9", 1700000000123},
           {TimeUnit::kMicroseconds, "1700000000123456", 1700000000123},
           {TimeUnit::kNanoseconds, "1700000000123456789", 1700000000123},
           {TimeUnit::kNanoseconds, "18446744073709551615", 18446744073709},
           {TimeUnit::kNanoseconds, "123456789012345678901234",
            static_cast<std::int64_t>(std::floor(1.23456789012345678901234e23 / 1e6))},
           {TimeUnit::kMilliseconds, "-1", -1},
           {TimeUnit::kSeconds, "\"2023-11-14T22:13:20.123Z\"", 1700000000123},
           {TimeUnit::kNanoseconds, "\"2023-11-15T00:13:20+02:00\"", 1700000000000},
       }) {
    INFO(json);
    DecoderSchema schema;
    schema.add_numeric("x", "/x").set_event_time("/meta/ts", unit);
    EventDecoder decoder(schema, {});
    DecodedBatch batch;
    REQUIRE(decode_one(decoder, "{\"x\": 1, \"meta\": {\"ts\": " + json + "}}", batch) ==
            EventOutcome::kRow);
    REQUIRE(batch.event_time_ms().size() == 1);
    CHECK(batch.event_time_ms()[0] == expected);
  }

  DecoderSchema schema;
  schema.add_numeric("x", "/x").set_event_time("/ts", TimeUnit::kSeconds);
  EventDecoder decoder(schema, {});
  DecodedBatch batch;
  const char* invalid[] = {
      R"({"x": 1})",
      R"({"x": 1, "ts": null})",
      R"({"x": 1, "ts": "yesterday"})",
      R"({"x": 1, "ts": "2023-11-14T22:13:20"})",
      R"({"x": 1, "ts": true})",
      R"({"x": 1, "ts": [1700000000]})",
      R"({"x": 1, "ts": {"s": 1700000000}})",
      R"({"x": 1, "ts": 1e300})",
      R"({"x": 1, "ts": 1e400})",
      R"({"x": 1, "ts": 9223372036854775807})",
      R"({"x": 1, "ts": 18446744073709551615})",
      // 5e18 ms fits an int64 but not the windows' +-2^62 ms range.
      R"({"x": 1, "ts": 5000000000000000})",
      R"({"x": 1, "ts": -5000000000000000})",
  };
  for (const char* json : invalid) {
    INFO(json);
    CHECK(decode_one(decoder, json, batch) == EventOutcome::kInvalidEventTime);
  }
  CHECK(batch.rows() == 0);
  CHECK(batch.invalid_event_time() == std::size(invalid));
  CHECK(batch.numeric_counts(0).missing == 0);
  CHECK(batch.event_time_ms().empty());
  CHECK(decode_one(decoder, R"({"ts": 01})", batch) == EventOutcome::kMalformed);
  CHECK(decode_one(decoder, R"({"ts": 5, "x": 2})", batch) == EventOutcome::kRow);
  CHECK(batch.event_time_ms()[0] == 5000);
  CHECK(batch.events() == std::size(invalid) + 2);
}

TEST_CASE("Event times beyond the latest the caller allows are invalid") {
  DecoderSchema schema;
  schema.add_numeric("x", "/x").set_event_time("/ts", TimeUnit::kMilliseconds);
  EventDecoder decoder(schema, {});
  DecodedBatch batch;
  // Without a bound, year 9999 is a time like any other.
  CHECK(decode_one(decoder, R"({"x": 1, "ts": 253402300799000})", batch) == EventOutcome::kRow);
  // The caller's clock plus max_future, set once per batch.
  decoder.set_latest_event_time(1'700'003'600'000);
  CHECK(decode_one(decoder, R"({"x": 1, "ts": 253402300799000})", batch) ==
        EventOutcome::kInvalidEventTime);
  CHECK(decoder.last_reason() == "event time too far in the future");
  CHECK(decode_one(decoder, R"({"x": 1, "ts": "9999-12-31T23:59:59Z"})", batch) ==
        EventOutcome::kInvalidEventTime);
  CHECK(decode_one(decoder, R"({"x": 1, "ts": 1700003600001})", batch) ==
        EventOutcome::kInvalidEventTime);
  CHECK(decode_one(decoder, R"({"x": 1, "ts": 1700003600000})", batch) == EventOutcome::kRow);
  CHECK(decode_one(decoder, R"({"x": 1, "ts": 0})", batch) == EventOutcome::kRow);
  CHECK(batch.rows() == 3);
  CHECK(batch.invalid_event_time() == 3);
  CHECK(batch.numeric_counts(0).missing == 0);

  // A supplied time (a Kafka timestamp) is bounded the same way.
  DecoderSchema untimed;
  untimed.add_numeric("x", "/x");
  EventDecoder kafka(untimed, {});
  kafka.set_latest_event_time(1'700'003'600'000);
  const testing::Padded event(R"({"x": 1})");
  CHECK(kafka.decode_one(event.view(), event.capacity(), batch, 253'402'300'799'000) ==
        EventOutcome::kInvalidEventTime);
  CHECK(kafka.decode_one(event.view(), event.capacity(), batch, 1'700'000'000'000) ==
        EventOutcome::kRow);
}

TEST_CASE("The event time may share its pointer with features") {
  TableResolver resolver;
  DecoderSchema schema;
  schema.add_numeric("t_num", "/t").add_categorical("t_cat", "/t").set_event_time("/t",
                                                                                  TimeUnit::kSeconds);
  EventDecoder decoder(schema, {&resolver});
  DecodedBatch batch;
  REQUIRE(decode_one(decoder, R"({"t": 17})", batch) == EventOutcome::kRow);
  CHECK(batch.numeric(0)[0] == 17);
  CHECK(resolver.name(batch.categorical(0)[0]) == "17");
  CHECK(batch.event_time_ms()[0] == 17000);
  REQUIRE(decode_one(decoder, R"({"t": "2023-11-14T22:13:20Z"})", batch) == EventOutcome::kRow);
  CHECK(batch.numeric_counts(0).invalid == 1);
  CHECK(resolver.name(batch.categorical(0)[1]) == "2023-11-14T22:13:20Z");
  CHECK(batch.event_time_ms()[1] == 1700000000000);
}

TEST_CASE("A supplied event time (a Kafka timestamp) becomes the row time") {
  XcFixture f;
  const std::string event = R"({"x": 2, "c": "a"})";
  CHECK(f.decoder.decode_one(event, event.size(), f.batch, 1700000000123) == EventOutcome::kRow);
  CHECK(f.decoder.decode_one(R"({"x": )", 6, f.batch, 5) == EventOutcome::kMalformed);
  // No timestamp (librdkafka reports -1; the source passes INT64_MIN) and
  // times beyond the windows' range are invalid event times.
  CHECK(f.decoder.decode_one(event, event.size(), f.batch,
                             std::numeric_limits<std::int64_t>::min()) ==
        EventOutcome::kInvalidEventTime);
  CHECK(f.decoder.decode_one(event, event.size(), f.batch, int64_t{1} << 62 | 1) ==
        EventOutcome::kInvalidEventTime);
  CHECK(f.decoder.decode_one(event, event.size(), f.batch, -7) == EventOutcome::kRow);
  REQUIRE(f.batch.rows() == 2);
  CHECK(f.batch.event_time_ms()[0] == 1700000000123);
  CHECK(f.batch.event_time_ms()[1] == -7);
  CHECK(f.batch.invalid_event_time() == 2);
  CHECK(f.batch.malformed() == 1);
  // A supplied time does not leak into the next event decoded without one.
  DecodedBatch plain;
  CHECK(f.decoder.decode_one(event, event.size(), plain) == EventOutcome::kRow);
  CHECK_FALSE(plain.has_event_time());

  DecoderSchema timed;
  timed.add_numeric("x", "/x").set_event_time("/ts", TimeUnit::kMilliseconds);
  EventDecoder reads_its_own(timed, {});
  CHECK_THROWS_AS(reads_its_own.decode_one(event, event.size(), f.batch, 5), std::logic_error);
}

TEST_CASE("decode_one copies buffers without padding and accepts padded ones") {
  XcFixture f;
  const std::string exact = R"({"x": 4.5, "c": "k"})";
  // A heap buffer of exactly the JSON's size: reading past it would be caught by ASan.
  const auto heap = std::make_unique<char[]>(exact.size());
  std::memcpy(heap.get(), exact.data(), exact.size());
  CHECK(f.decoder.decode_one({heap.get(), exact.size()}, exact.size(), f.batch) == EventOutcome::kRow);
  CHECK(f.decoder.decode_one({heap.get(), exact.size()}, 0, f.batch) == EventOutcome::kRow);
  testing::Padded padded(exact);
  CHECK(f.decoder.decode_one(padded.view(), padded.capacity(), f.batch) == EventOutcome::kRow);
  // A larger event after a smaller one grows the scratch buffer.
  const std::string large = R"({"x": 1, "pad": ")" + std::string(10000, 'p') + R"("})";
  CHECK(f.decoder.decode_one(large, large.size(), f.batch) == EventOutcome::kRow);
  REQUIRE(f.batch.rows() == 4);
  CHECK(f.x(2) == 4.5);
  CHECK(f.c(2) == "k");
  CHECK(f.x(3) == 1);
}

TEST_CASE("The decoder resolves through a category dictionary") {
  const std::vector<std::string_view> reference = {"DE", "FR", "DE", "US", "DE", "FR"};
  const auto dictionary = CategoryDictionary::from_reference(reference, 2);
  DictionaryResolver resolver(dictionary);
  DecoderSchema schema;
  schema.add_categorical("country", "/country");
  EventDecoder decoder(schema, {&resolver});
  DecodedBatch batch;
  for (const char* json : {R"({"country": "DE"})", R"({"country": "FR"})", R"({"country": "US"})",
                           R"({"country": "XX"})", R"({"country": 49})"}) {
    decode_one(decoder, json, batch);
  }
  REQUIRE(batch.rows() == 5);
  CHECK(batch.categorical(0)[0] == 0);
  CHECK(batch.categorical(0)[1] == 1);
  CHECK(batch.categorical(0)[2] == dictionary.other_bin());
  CHECK(batch.categorical(0)[3] == dictionary.other_bin());
  CHECK(batch.categorical(0)[4] == dictionary.other_bin());
}

TEST_CASE("The decoder checks its resolvers") {
  DecoderSchema schema;
  schema.add_categorical("a", "/a").add_categorical("b", "/b");
  TableResolver resolver;
  CHECK_THROWS_AS(EventDecoder(schema, {&resolver}), InputError);
  CHECK_THROWS_AS(EventDecoder(schema, {&resolver, nullptr}), InputError);
  CHECK_NOTHROW(EventDecoder(schema, {&resolver, &resolver}));
}

TEST_CASE("A batch takes the shape of the decoder that fills it") {
  TableResolver resolver;
  DecoderSchema two;
  two.add_numeric("a", "/a").add_numeric("b", "/b");
  DecoderSchema one;
  one.add_categorical("c", "/c").set_event_time("/t", TimeUnit::kMilliseconds);
  EventDecoder first(two, {});
  EventDecoder second(one, {&resolver});
  DecodedBatch batch;
  CHECK(batch.numeric_columns() == 0);
  decode_one(first, R"({"a": 1, "b": 2})", batch);
  CHECK(batch.numeric_columns() == 2);
  CHECK_FALSE(batch.has_event_time());
  decode_one(second, R"({"c": "x", "t": 3})", batch);
  CHECK(batch.numeric_columns() == 0);
  CHECK(batch.categorical_columns() == 1);
  CHECK(batch.has_event_time());
  CHECK(batch.rows() == 1);
  CHECK_THROWS_AS(batch.numeric(0), std::out_of_range);
}

TEST_CASE("A decoder can be moved") {
  XcFixture f;
  EventDecoder moved = std::move(f.decoder);
  DecodedBatch batch;
  CHECK(decode_one(moved, R"({"x": 3, "c": "m"})", batch) == EventOutcome::kRow);
  CHECK(moved.schema().features().size() == 2);
}

}  // namespace
}  // namespace driftd::ingest
