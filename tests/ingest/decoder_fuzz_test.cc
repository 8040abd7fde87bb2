// Hardening: random bytes, random truncations and mutations of valid events.
// The decoder must never crash or read outside its buffers (run under
// ASan/UBSan), and every event must be accounted for exactly once:
// rows + malformed + invalid_event_time == events. What is malformed agrees
// with simdjson's validating DOM parser, event by event.
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <simdjson.h>

#include "ingest/event_decoder.h"
#include "test_support.h"

namespace driftd::ingest {
namespace {

using testing::TableResolver;

DecoderSchema fuzz_schema() {
  DecoderSchema schema;
  schema.add_numeric("a", "/a")
      .add_numeric("deep", "/n/m/x")
      .add_numeric("first", "/arr/0")
      .add_categorical("c", "/c")
      .add_categorical("nc", "/n/c")
      .add_categorical("a_cat", "/a")
      .set_event_time("/t", TimeUnit::kMilliseconds);
  return schema;
}

const std::vector<std::string>& valid_events() {
  static const std::vector<std::string> events = {
      R"({"a": 1.5, "c": "x", "t": 1700000000000})",
      R"({"t": "2023-11-14T22:13:20.5Z", "n": {"m": {"x": -3e2}, "c": "caf\u00e9"}, "a": null})",
      R"({"arr": [7, {"q": [1, 2, {"r": null}]}, "s"], "a": "str", "c": 12, "t": 5.5})",
      R"({"zz": {"deep": [[[[{"a": 1}]]]]}, "c": true, "t": 1, "a": 123456789012345678901234567890})",
      R"({"a": 1e400, "c": [], "n": {"m": 4, "c": {"k": "v"}}, "t": 99, "\u0061": 2})",
      R"({"c": "\ud83d\ude00 \"quoted\" \\ \/ \b\f\n\r\t", "t": 1e3, "arr": {"0": 1}})",
  };
  return events;
}

// Bytes JSON is made of, with the odd wild one.
char random_byte(std::mt19937_64& rng) {
  static const char alphabet[] = "{}[]:,\"\\ \t\r0123456789-+.eEtrufalsn\xc3\xa9\xff\x01" "acxt/";
  if (rng() % 16 == 0) {
    return static_cast<char>(rng() % 256);
  }
  return alphabet[rng() % (sizeof alphabet - 1)];
}

struct Fuzzer {
  Fuzzer() : decoder(fuzz_schema(), {&c, &nc, &a_cat}) {}

  // Decodes json as one document from a heap buffer of exactly its size
  // (the decoder must copy it), then from one with exactly kJsonPadding
  // bytes of hostile padding. simdjson's validating DOM parser is the
  // oracle: a valid JSON object is never malformed, anything else always is.
  void decode_one(const std::string& json) {
    const auto exact = std::make_unique<char[]>(json.size() + 1);
    std::memcpy(exact.get(), json.data(), json.size());
    const EventOutcome first = decoder.decode_one({exact.get(), json.size()}, json.size(), batch);
    const auto padded = std::make_unique<char[]>(json.size() + kJsonPadding);
    std::memcpy(padded.get(), json.data(), json.size());
    std::memset(padded.get() + json.size(), '}', kJsonPadding);
    const EventOutcome second =
        decoder.decode_one({padded.get(), json.size()}, json.size() + kJsonPadding, batch);
    simdjson::dom::element root;
    const simdjson::error_code error = dom.parse(json).get(root);
    INFO(json);
    if (error == simdjson::SUCCESS && root.is_object()) {
      CHECK(first != EventOutcome::kMalformed);
      CHECK(first == second);
      ++valid_documents;
    } else if (error == simdjson::NUMBER_ERROR || error == simdjson::NUMBER_OUT_OF_RANGE) {
      // The DOM parser refuses numbers beyond double or 64-bit range, which
      // are valid JSON (the decoder rounds them or counts them invalid
      // values); it says the same of a malformed number: no verdict.
      ++no_verdict;
    } else {
      CHECK(first == EventOutcome::kMalformed);
      CHECK(second == EventOutcome::kMalformed);
    }
    events += 2;
  }

  // Decodes body with exactly kJsonPadding bytes of capacity after it.
  BodySummary decode_body(const std::string& body) {
    const auto padded = std::make_unique<char[]>(body.size() + kJsonPadding);
    std::memcpy(padded.get(), body.data(), body.size());
    std::memset(padded.get() + body.size(), ']', kJsonPadding);
    const BodySummary summary =
        decoder.decode_ndjson({padded.get(), body.size()}, body.size() + kJsonPadding, batch, &errors);
    CHECK(summary.rows + summary.malformed + summary.invalid_event_time == summary.events);
    events += summary.events;
    return summary;
  }

  void check_accounts() const {
    CHECK(batch.rows() + batch.malformed() + batch.invalid_event_time() == events);
    CHECK(batch.events() == events);
    CHECK(batch.numeric(0).size() == batch.rows());
    CHECK(batch.categorical(2).size() == batch.rows());
    CHECK(batch.event_time_ms().size() == batch.rows());
    for (std::size_t column = 0; column < 3; ++column) {
      const FeatureCounts& counts = batch.numeric_counts(column);
      CHECK(counts.missing + counts.invalid <= batch.rows());
    }
  }

  TableResolver c, nc, a_cat;
  EventDecoder decoder;
  DecodedBatch batch;
  FirstErrors errors{5};
  simdjson::dom::parser dom;
  std::uint64_t events = 0;
  std::uint64_t valid_documents = 0;
  std::uint64_t no_verdict = 0;  // documents the oracle cannot judge
};

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

TEST_CASE("Fuzz: random bytes as events and as NDJSON lines") {
  Fuzzer fuzzer;
  std::mt19937_64 rng(20240301);
  for (int round = 0; round < 3000; ++round) {
    std::string json;
    const std::size_t size = rng() % 80;
    // Half start like an object, to get past the first checks.
    if (rng() % 2 == 0) json += '{';
    for (std::size_t i = 0; i < size; ++i) json += random_byte(rng);
    if (rng() % 2 == 0) json += '}';
    fuzzer.decode_one(json);
  }
  for (int round = 0; round < 200; ++round) {
    std::string body = "{\"a\": 1, \"t\": 1}\n";  // not an array body
    std::size_t lines = 1;
    for (int line = 0; line < 20; ++line) {
      std::string text;
      const std::size_t size = rng() % 60;
      if (rng() % 2 == 0) text += '{';
      for (std::size_t i = 0; i < size; ++i) {
        char byte = random_byte(rng);
        text += byte == '\n' ? ' ' : byte;
      }
      lines += is_blank(text) ? 0 : 1;
      body += text;
      body += rng() % 4 == 0 ? "\r\n" : "\n";
    }
    CHECK(fuzzer.decode_body(body).events == lines);
  }
  fuzzer.check_accounts();
  CHECK(fuzzer.batch.rows() > 0);
}

TEST_CASE("Fuzz: every truncation of valid events") {
  Fuzzer fuzzer;
  std::size_t rows_before = 0;
  for (const std::string& event : valid_events()) {
    for (std::size_t cut = 0; cut <= event.size(); ++cut) {
      fuzzer.decode_one(event.substr(0, cut));
    }
    // Only the whole event (and the few truncations still ending in '}') can be rows.
    CHECK(fuzzer.batch.rows() > rows_before);
    rows_before = fuzzer.batch.rows();
  }
  // As NDJSON lines, and as truncated array bodies.
  std::string body;
  std::string array = "[";
  for (const std::string& event : valid_events()) {
    body += event + "\n";
    array += event + ",";
  }
  array.back() = ']';
  for (std::size_t cut = 0; cut <= body.size(); cut += 3) {
    fuzzer.decode_body(body.substr(0, cut));
  }
  for (std::size_t cut = 0; cut <= array.size(); ++cut) {
    fuzzer.decode_body(array.substr(0, cut));
  }
  fuzzer.check_accounts();
  // The whole array body decodes every event (all have a valid time).
  DecodedBatch batch;
  TableResolver c, nc, a_cat;
  EventDecoder decoder(fuzz_schema(), {&c, &nc, &a_cat});
  CHECK(testing::decode_body(decoder, array, batch).rows == valid_events().size());
  CHECK(testing::decode_body(decoder, body, batch).rows == valid_events().size());
}

TEST_CASE("Fuzz: random mutations of valid events") {
  Fuzzer fuzzer;
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20000; ++round) {
    std::string event = valid_events()[rng() % valid_events().size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int edit = 0; edit < edits; ++edit) {
      const std::size_t at = rng() % event.size();
      switch (rng() % 3) {
        case 0: event[at] = random_byte(rng); break;
        case 1: event.insert(event.begin() + static_cast<std::ptrdiff_t>(at), random_byte(rng)); break;
        default: event.erase(at, 1 + rng() % 4); break;
      }
      if (event.empty()) event = "{";
    }
    fuzzer.decode_one(event);
  }
  fuzzer.check_accounts();
  CHECK(fuzzer.batch.malformed() > 0);
  CHECK(fuzzer.batch.rows() > 0);
  CHECK(fuzzer.valid_documents > 1000);
}

}  // namespace
}  // namespace driftd::ingest
