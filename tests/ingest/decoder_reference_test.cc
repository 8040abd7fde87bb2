// The trie decoder against a simple, independent reference: one
// simdjson at_pointer() look-up per feature, classified by value type, on a
// few thousand random events (nested objects, arrays, duplicate keys,
// escapes in values, numbers of every form). Outputs must be identical.
#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ingest/event_decoder.h"
#include "ingest/event_time.h"
#include "window/pane.h"
#include "test_support.h"

namespace driftd::ingest {
namespace {

namespace od = simdjson::ondemand;
using testing::TableResolver;

DecoderSchema reference_schema() {
  DecoderSchema schema;
  schema.add_numeric("a", "/a")
      .add_numeric("b", "/b")
      .add_numeric("nx", "/n/x")
      .add_numeric("deep", "/n/deep/y")
      .add_numeric("arr1", "/arr/1")
      .add_numeric("slash", "/e~1f")
      .add_numeric("tilde", "/m~0n")
      .add_categorical("c", "/c")
      .add_categorical("nc", "/n/c")
      .add_categorical("a_cat", "/a")
      .add_categorical("arr0", "/arr/0")
      .add_categorical("long", "/long_key_name_for_the_hash")
      .set_event_time("/t", TimeUnit::kMilliseconds);
  return schema;
}

// Keys the generator uses; none is written with escapes that decode to a
// feature key (at_pointer compares raw keys).
const char* const kKeys[] = {"a", "b", "c", "n", "x", "y", "deep", "arr", "t", "e/f", "m~n",
                             "zz", "long_key_name_for_the_hash", "0", "1", "k\\u00e9", "q\\\"q"};

class EventGenerator {
 public:
  explicit EventGenerator(std::uint64_t seed) : rng_(seed) {}

  std::string event() {
    std::string out;
    object(out, 0);
    return out;
  }

 private:
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }

  void object(std::string& out, int depth) {
    out += '{';
    const std::size_t members = pick(depth == 0 ? 12 : 6);
    for (std::size_t i = 0; i < members; ++i) {
      if (i > 0) out += pick(2) ? ", " : ",";
      static const char* const kNested[] = {"x", "y", "c", "deep"};
      const std::string_view key = depth > 0 && pick(2) != 0 ? kNested[pick(std::size(kNested))]
                                   : depth == 0 && i == 0 && pick(2) != 0
                                       ? "n"
                                       : kKeys[pick(std::size(kKeys))];
      out += '"';
      out += key;
      out += "\":";
      // Steer towards the shapes the schema looks for.
      if ((key == "n" || key == "deep") && depth < 4 && pick(4) != 0) {
        object(out, depth + 1);
      } else if (key == "arr" && depth < 4 && pick(3) != 0) {
        array(out, depth + 1);
      } else if (key == "t" && pick(3) != 0) {
        out += pick(2) ? "1700000000123" : "\"2023-11-14T22:13:20.5+01:00\"";
      } else {
        value(out, depth + 1);
      }
    }
    out += '}';
  }

  void array(std::string& out, int depth) {
    out += '[';
    const std::size_t elements = pick(4);
    for (std::size_t i = 0; i < elements; ++i) {
      if (i > 0) out += ',';
      value(out, depth + 1);
    }
    out += ']';
  }

  void value(std::string& out, int depth) {
    static const char* const kNumbers[] = {
        "0", "-0", "1", "-17", "42", "3.25", "-0.5", "1e3", "1E+2", "2.5e-3", "1.0",
        "9007199254740993", "18446744073709551615", "-9223372036854775808",
        "123456789012345678901234567890", "1e400", "-1e400", "1e-400", "1700000000123",
        "1700000000123.75"};
    static const char* const kStrings[] = {
        "\"\"", "\"DE\"", "\"caf\\u00e9\"", "\"caf\xc3\xa9\"", "\"a\\\"b\"", "\"line\\nbreak\"",
        "\"\\ud83d\\ude00\"", "\"2023-11-14T22:13:20.123Z\"", "\"2023-11-14T22:13:20\"",
        "\"12\"", "\"x\\/y\""};
    switch (pick(depth < 4 ? 9 : 6)) {
      case 0: case 1: out += kNumbers[pick(std::size(kNumbers))]; break;
      case 2: out += kStrings[pick(std::size(kStrings))]; break;
      case 3: out += pick(2) ? "true" : "false"; break;
      case 4: out += "null"; break;
      case 5: {
        char number[32];
        std::snprintf(number, sizeof number, "%.17g",
                      std::uniform_real_distribution<double>(-1e6, 1e6)(rng_));
        out += number;
        break;
      }
      case 6: case 7: object(out, depth); break;
      default: array(out, depth);
    }
  }

  std::mt19937_64 rng_;
};

// What either decoder made of one event.
struct Decoded {
  EventOutcome outcome = EventOutcome::kMalformed;
  std::vector<double> numbers;
  std::vector<int> number_states;  // 0 value, 1 missing, 2 invalid
  std::vector<std::string> categories;
  std::int64_t time_ms = 0;
};

class ReferenceDecoder {
 public:
  explicit ReferenceDecoder(const DecoderSchema& schema) : schema_(schema) {}

  Decoded decode(const std::string& json) {
    Decoded out;
    const simdjson::padded_string padded(json);
    od::document document;
    if (parser_.iterate(padded).get(document)) return out;
    if (schema_.event_time()) {
      std::optional<std::int64_t> ms;
      od::value value;
      if (!document.at_pointer(schema_.event_time()->pointer.text()).get(value)) {
        ms = event_time(value);
      }
      if (!ms || *ms < kMinTimestampMs || *ms > kMaxTimestampMs) {
        out.outcome = EventOutcome::kInvalidEventTime;
        return out;
      }
      out.time_ms = *ms;
    }
    out.numbers.assign(schema_.numeric_count(), 0);
    out.number_states.assign(schema_.numeric_count(), 1);
    out.categories.assign(schema_.categorical_count(), "<missing>");
    for (const FeatureSpec& feature : schema_.features()) {
      od::value value;
      if (document.at_pointer(feature.pointer.text()).get(value)) continue;  // missing
      od::json_type type = od::json_type::null;
      REQUIRE_FALSE(value.type().get(type));
      if (feature.type == FeatureType::kNumeric) {
        double number = 0;
        if (type == od::json_type::number && !value.get_double().get(number)) {
          out.numbers[feature.column] = number;
          out.number_states[feature.column] = 0;
        } else if (type != od::json_type::null) {
          out.number_states[feature.column] = 2;
        }
        continue;
      }
      std::string& category = out.categories[feature.column];
      switch (type) {
        case od::json_type::string: {
          std::string_view text;
          REQUIRE_FALSE(value.get_string().get(text));
          category = text;
          break;
        }
        case od::json_type::number: {
          std::string_view raw = value.raw_json_token();
          while (!raw.empty() && std::strchr(" \t\r\n", raw.back()) != nullptr) raw.remove_suffix(1);
          category = raw;
          break;
        }
        case od::json_type::boolean: {
          bool flag = false;
          REQUIRE_FALSE(value.get_bool().get(flag));
          category = flag ? "true" : "false";
          break;
        }
        case od::json_type::null: break;
        case od::json_type::array:
        case od::json_type::object: category = "<invalid>"; break;
      }
    }
    out.outcome = EventOutcome::kRow;
    return out;
  }

 private:
  std::optional<std::int64_t> event_time(od::value& value) {
    const TimeUnit unit = schema_.event_time()->unit;
    od::json_type type = od::json_type::null;
    REQUIRE_FALSE(value.type().get(type));
    if (type == od::json_type::string) {
      std::string_view text;
      REQUIRE_FALSE(value.get_string().get(text));
      return epoch_ms_from_rfc3339(text);
    }
    if (type != od::json_type::number) return std::nullopt;
    std::int64_t signed_value = 0;
    std::uint64_t unsigned_value = 0;
    double real = 0;
    if (!value.get_int64().get(signed_value)) return epoch_ms_from_int(signed_value, unit);
    if (!value.get_uint64().get(unsigned_value)) return epoch_ms_from_uint(unsigned_value, unit);
    if (!value.get_double().get(real)) {
      // A fractional number, or an integer beyond 64 bits as a double.
      return epoch_ms_from_double(real, unit);
    }
    return std::nullopt;
  }

  const DecoderSchema& schema_;
  od::parser parser_;
};

Decoded from_batch(const DecodedBatch& batch, std::size_t row, const TableResolver* const* resolvers,
                   EventOutcome outcome) {
  Decoded out;
  out.outcome = outcome;
  if (outcome != EventOutcome::kRow) return out;
  for (std::size_t c = 0; c < batch.numeric_columns(); ++c) {
    const double number = batch.numeric(c)[row];
    out.numbers.push_back(std::isnan(number) ? 0 : number);
    out.number_states.push_back(0);
  }
  for (std::size_t c = 0; c < batch.categorical_columns(); ++c) {
    out.categories.push_back(resolvers[c]->name(batch.categorical(c)[row]));
  }
  if (batch.has_event_time()) out.time_ms = batch.event_time_ms()[row];
  return out;
}

TEST_CASE("The trie decoder agrees with an at_pointer reference on random events") {
  const DecoderSchema schema = reference_schema();
  TableResolver resolvers[5];
  const TableResolver* names[5] = {&resolvers[0], &resolvers[1], &resolvers[2], &resolvers[3],
                                   &resolvers[4]};
  EventDecoder decoder(schema, {&resolvers[0], &resolvers[1], &resolvers[2], &resolvers[3],
                                &resolvers[4]});
  ReferenceDecoder reference(schema);
  EventGenerator generator(12345);
  DecodedBatch batch;
  std::string body;
  std::vector<Decoded> expected_rows;
  std::size_t rows = 0, nested = 0, invalid = 0, invalid_time = 0;

  for (int i = 0; i < 4000; ++i) {
    const std::string json = generator.event();
    INFO(json);
    const Decoded expected = reference.decode(json);
    const std::vector<FeatureCounts> before = [&] {
      std::vector<FeatureCounts> counts;
      for (std::size_t c = 0; c < batch.numeric_columns(); ++c) counts.push_back(batch.numeric_counts(c));
      return counts;
    }();
    const EventOutcome outcome = testing::decode_one(decoder, json, batch);
    REQUIRE(outcome == expected.outcome);
    if (outcome == EventOutcome::kRow) {
      Decoded actual = from_batch(batch, batch.rows() - 1, names, outcome);
      // Numeric states come from the counters' increments.
      for (std::size_t c = 0; c < schema.numeric_count(); ++c) {
        const FeatureCounts& now = batch.numeric_counts(c);
        const FeatureCounts old = c < before.size() ? before[c] : FeatureCounts{};
        actual.number_states[c] = now.missing > old.missing ? 1 : now.invalid > old.invalid ? 2 : 0;
        if (actual.number_states[c] == 2) ++invalid;
      }
      CHECK(actual.number_states == expected.number_states);
      CHECK(actual.numbers == expected.numbers);
      CHECK(actual.categories == expected.categories);
      CHECK(actual.time_ms == expected.time_ms);
      ++rows;
      if (expected.number_states[2] == 0 || expected.number_states[3] == 0) ++nested;
      expected_rows.push_back(expected);
    }
    invalid_time += outcome == EventOutcome::kInvalidEventTime ? 1 : 0;
    body += json + "\n";
  }
  // The workload exercised what it should.
  INFO("rows " << rows << " nested " << nested << " invalid " << invalid << " invalid time "
                << invalid_time);
  CHECK(rows > 300);
  CHECK(nested > 30);
  CHECK(invalid > 100);
  CHECK(invalid_time > 30);

  // The NDJSON path decodes the same rows.
  DecodedBatch from_body;
  const BodySummary summary = testing::decode_body(decoder, body, from_body);
  CHECK(summary.events == 4000);
  REQUIRE(from_body.rows() == rows);
  for (std::size_t row = 0; row < rows; ++row) {
    const Decoded actual = from_batch(from_body, row, names, EventOutcome::kRow);
    for (std::size_t c = 0; c < schema.numeric_count(); ++c) {
      if (expected_rows[row].number_states[c] == 0) {
        CHECK(actual.numbers[c] == expected_rows[row].numbers[c]);
      }
    }
    CHECK(actual.categories == expected_rows[row].categories);
    CHECK(actual.time_ms == expected_rows[row].time_ms);
  }
}

}  // namespace
}  // namespace driftd::ingest
