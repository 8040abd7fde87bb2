#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "ingest/event_decoder.h"
#include "test_support.h"

namespace driftd::ingest {
namespace {

using testing::decode_body;
using testing::TableResolver;

struct BodyFixture {
  BodyFixture() : decoder(make_schema(), {&resolver}), errors(100) {}
  static DecoderSchema make_schema() {
    DecoderSchema schema;
    schema.add_numeric("x", "/x").add_categorical("c", "/c");
    return schema;
  }
  BodySummary decode(std::string_view body) { return decode_body(decoder, body, batch, &errors); }
  std::vector<double> xs() const { return {batch.numeric(0).begin(), batch.numeric(0).end()}; }

  TableResolver resolver;
  EventDecoder decoder;
  DecodedBatch batch;
  FirstErrors errors;
};

TEST_CASE("Malformed lines in the middle are counted with their line numbers") {
  BodyFixture f;
  const BodySummary summary = f.decode(
      "{\"x\": 1, \"c\": \"a\"}\n"
      "{\"x\": 2, \"c\": \n"
      "{\"x\": 3}\n"
      "\n"
      "[1, 2]\n"
      "{\"x\": 4} {}\n"
      "{\"x\": 5, \"c\": \"b\"}\n"
      "not json at all\n"
      "{\"x\": 6}");
  CHECK(summary.events == 8);
  CHECK(summary.rows == 4);
  CHECK(summary.malformed == 4);
  CHECK(f.xs() == std::vector<double>{1, 3, 5, 6});
  CHECK(f.batch.malformed() == 4);
  CHECK(f.batch.events() == 8);
  REQUIRE(f.errors.entries().size() == 4);
  CHECK(f.errors.entries()[0].line == 2);
  CHECK(f.errors.entries()[1].line == 5);
  CHECK(f.errors.entries()[1].reason == "not a JSON object");
  CHECK(f.errors.entries()[2].line == 6);
  CHECK(f.errors.entries()[2].reason == "characters after the JSON object");
  CHECK(f.errors.entries()[3].line == 8);
  for (const auto& entry : f.errors.entries()) {
    CHECK(entry.outcome == EventOutcome::kMalformed);
    CHECK_FALSE(entry.reason.empty());
  }
}

TEST_CASE("Blank lines and CRLF line ends") {
  BodyFixture f;
  const BodySummary summary =
      f.decode("\r\n  \t\r\n{\"x\": 1}\r\n\r\n{\"x\": 2}  \r\n   {\"x\": 3}\r\n{\"x\": 4, \"c\": \"q\"}\r\n\n");
  CHECK(summary.events == 4);
  CHECK(summary.rows == 4);
  CHECK(f.xs() == std::vector<double>{1, 2, 3, 4});
  CHECK(f.resolver.name(f.batch.categorical(0)[3]) == "q");
  f.decode("\n\n{\"x\": 5}\r\n{bad}\r\n");
  REQUIRE(f.errors.entries().size() == 1);
  CHECK(f.errors.entries()[0].line == 4);
}

TEST_CASE("Empty and blank bodies decode to nothing") {
  BodyFixture f;
  for (const char* body : {"", "\n", "\r\n\r\n", "   \t  \n  "}) {
    const BodySummary summary = f.decode(body);
    CHECK(summary.events == 0);
  }
  CHECK(f.batch.events() == 0);
  CHECK(f.batch.numeric_columns() == 1);
}

TEST_CASE("A JSON array body decodes each element") {
  BodyFixture f;
  const BodySummary summary = f.decode(
      "  [\n"
      "  {\"x\": 1, \"c\": \"a\"},\n"
      "  {\"x\": \"no\"},\n"
      "  7,\n"
      "  {\"x\": 01},\n"
      "  {\"x\": 3}\n"
      "]\n");
  CHECK(summary.events == 5);
  CHECK(summary.rows == 3);
  CHECK(summary.malformed == 2);
  CHECK(f.batch.numeric_counts(0).invalid == 1);
  REQUIRE(f.batch.rows() == 3);
  CHECK(f.batch.numeric(0)[0] == 1);
  CHECK(f.batch.numeric(0)[2] == 3);
  REQUIRE(f.errors.entries().size() == 2);
  CHECK(f.errors.entries()[0].line == 4);
  CHECK(f.errors.entries()[0].reason == "array element is not a JSON object");
  CHECK(f.errors.entries()[1].line == 5);
  CHECK(f.errors.entries()[1].reason == "invalid number");
}

TEST_CASE("Array bodies: empty arrays and syntax errors") {
  BodyFixture f;
  CHECK(f.decode("[]").events == 0);
  CHECK(f.decode(" [ ] \n").events == 0);
  // A syntax error ends the body: counted once.
  BodySummary summary = f.decode("[{\"x\": 1}, {\"x\": 2,}, {\"x\": 3}]");
  CHECK(summary.rows == 1);
  CHECK(summary.malformed == 1);
  CHECK(summary.events == 2);
  summary = f.decode("[{\"x\": 1}, {\"x\": 2} {\"x\": 3}]");
  CHECK(summary.rows == 2);
  CHECK(summary.malformed == 1);
  // Truncated array.
  summary = f.decode("[{\"x\": 1}, {\"x\": 2}");
  CHECK(summary.malformed == 1);
  // Characters after the array: simdjson checks first that the document
  // ends with ']', else the whole body is one malformed event.
  f.errors = FirstErrors(10);
  summary = f.decode("[{\"x\": 1}]\n{\"x\": 2}");
  CHECK(summary.rows == 0);
  CHECK(summary.malformed == 1);
  summary = f.decode("[{\"x\": 1}]\n[{\"x\": 2}]");
  CHECK(summary.rows == 1);
  CHECK(summary.malformed == 1);
  REQUIRE(f.errors.entries().size() == 2);
  CHECK(f.errors.entries()[0].line == 1);
  CHECK(f.errors.entries()[1].reason == "characters after the JSON array");
  CHECK(f.errors.entries()[1].line == 2);
  CHECK(f.batch.events() == f.batch.rows() + f.batch.malformed());
}

TEST_CASE("Invalid event times are reported with their own outcome") {
  TableResolver resolver;
  DecoderSchema schema;
  schema.add_numeric("x", "/x").set_event_time("/ts", TimeUnit::kMilliseconds);
  EventDecoder decoder(schema, {});
  DecodedBatch batch;
  FirstErrors errors(10);
  const BodySummary summary = decode_body(
      decoder, "{\"x\": 1, \"ts\": 10}\n{\"x\": 2}\n{\"x\": 3, \"ts\": \"soon\"}\n{\"ts\": 11}\n{", batch,
      &errors);
  CHECK(summary.rows == 2);
  CHECK(summary.invalid_event_time == 2);
  CHECK(summary.malformed == 1);
  CHECK(batch.invalid_event_time() == 2);
  CHECK(batch.event_time_ms().size() == 2);
  REQUIRE(errors.entries().size() == 3);
  CHECK(errors.entries()[0].line == 2);
  CHECK(errors.entries()[0].outcome == EventOutcome::kInvalidEventTime);
  CHECK(errors.entries()[0].reason == "event time missing");
  CHECK(errors.entries()[1].reason == "event time invalid");
  CHECK(errors.entries()[2].outcome == EventOutcome::kMalformed);
}

TEST_CASE("FirstErrors keeps the first few and counts all") {
  BodyFixture f;
  f.errors = FirstErrors(3);
  std::string body;
  for (int i = 0; i < 10; ++i) body += "oops\n{\"x\": 1}\n";
  const BodySummary summary = f.decode(body);
  CHECK(summary.malformed == 10);
  CHECK(summary.rows == 10);
  CHECK(f.errors.total() == 10);
  REQUIRE(f.errors.entries().size() == 3);
  CHECK(f.errors.entries()[2].line == 5);
}

TEST_CASE("A body without padding is copied and decoded the same") {
  BodyFixture f;
  const std::string body = "{\"x\": 1}\n{\"x\": 2, \"c\": \"z\"}\n[1]\n{\"x\": 3}";
  const auto heap = std::make_unique<char[]>(body.size());
  std::memcpy(heap.get(), body.data(), body.size());
  const BodySummary summary = f.decoder.decode_ndjson({heap.get(), body.size()}, body.size(), f.batch);
  CHECK(summary.rows == 3);
  CHECK(summary.malformed == 1);
  CHECK(f.xs() == std::vector<double>{1, 2, 3});
  const std::string array = "[{\"x\": 4}]";
  CHECK(f.decoder.decode_ndjson(array, array.size(), f.batch).rows == 1);
}

TEST_CASE("The decoder does not read past the caller's padding") {
  // Heap buffers of exactly size + kJsonPadding: ASan reports any read beyond.
  BodyFixture f;
  std::string body;
  for (int i = 0; i < 200; ++i) {
    body += "{\"x\": " + std::to_string(i) + ", \"c\": \"" + std::string(static_cast<std::size_t>(i), 'v') + "\"}\n";
  }
  body += "{\"x\": 1, \"c\": \"tail\"}";
  const std::size_t capacity = body.size() + kJsonPadding;
  const auto heap = std::make_unique<char[]>(capacity);
  std::memcpy(heap.get(), body.data(), body.size());
  std::memset(heap.get() + body.size(), '}', kJsonPadding);  // hostile padding
  const BodySummary summary = f.decoder.decode_ndjson({heap.get(), body.size()}, capacity, f.batch);
  CHECK(summary.rows == 201);
  CHECK(f.resolver.name(f.batch.categorical(0)[200]) == "tail");
}

TEST_CASE("Long lines grow the parser and batches accumulate") {
  BodyFixture f;
  std::string body;
  for (int size : {10, 100000, 50, 300000, 5}) {
    body += "{\"pad\": \"" + std::string(static_cast<std::size_t>(size), 'p') + "\", \"x\": " +
            std::to_string(size) + "}\n";
  }
  CHECK(f.decode(body).rows == 5);
  CHECK(f.decode(body).rows == 5);
  CHECK(f.batch.rows() == 10);
  CHECK(f.batch.numeric(0)[3] == 300000);
}

}  // namespace
}  // namespace driftd::ingest
