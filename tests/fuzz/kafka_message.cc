// Fuzz target: one Kafka message, as the Kafka source hands it to a stream:
// EventDecoder::decode_one with the event time from a field, decode_one with
// the message timestamp, and StreamRuntime::ingest_documents of a stream
// taking its time from the message timestamp. The input's first 8 bytes
// are the timestamp (little-endian, ms), the rest the message. Properties:
//   - the outcome is counted once, in the matching counter, and the batch
//     is consistent (batch_checks.h);
//   - decoding from a buffer without padding (the decoder copies) and from
//     a padded one gives the same outcome and the same row;
//   - a message that is a valid JSON object is never malformed; decoded with
//     the message timestamp it is a row exactly when the timestamp lies in
//     the windows' range, with the same feature values as decoded with the
//     field's time; and as a one-line NDJSON body it decodes to the same row;
//   - the runtime counts the message as the decoder does.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "batch_checks.h"
#include "fuzz_check.h"
#include "fuzz_stream.h"
#include "ingest/event_decoder.h"
#include "window/pane.h"

namespace driftd::fuzz {
namespace {

struct Target {
  std::unique_ptr<StreamRuntime> runtime = monitoring_runtime(EventTimeFrom::kafka_timestamp);
  CheckedDecoder field_time{fuzz_stream_config(EventTimeFrom::field)};
  CheckedDecoder message_time{runtime->config()};
  ingest::DecodedBatch exact;
  ingest::DecodedBatch padded;
  ingest::DecodedBatch as_body;
  ingest::DecodedBatch with_timestamp;
};

void check_counted(ingest::EventOutcome outcome, const ingest::DecodedBatch& batch) {
  check_batch(batch);
  FUZZ_CHECK(batch.events() == 1);
  FUZZ_CHECK(batch.rows() == (outcome == ingest::EventOutcome::kRow ? 1u : 0u));
  FUZZ_CHECK(batch.malformed() == (outcome == ingest::EventOutcome::kMalformed ? 1u : 0u));
  FUZZ_CHECK(batch.invalid_event_time() ==
             (outcome == ingest::EventOutcome::kInvalidEventTime ? 1u : 0u));
}

// The same feature values (the event-time column aside).
bool same_features(const ingest::DecodedBatch& a, const ingest::DecodedBatch& b) {
  if (a.rows() != b.rows()) return false;
  for (std::size_t c = 0; c < a.numeric_columns(); ++c) {
    const auto x = a.numeric(c);
    const auto y = b.numeric(c);
    if (std::memcmp(x.data(), y.data(), x.size_bytes()) != 0) return false;
  }
  for (std::size_t c = 0; c < a.categorical_columns(); ++c) {
    const auto x = a.categorical(c);
    const auto y = b.categorical(c);
    if (!std::equal(x.begin(), x.end(), y.begin())) return false;
  }
  return true;
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  using namespace driftd::fuzz;
  using ingest::EventOutcome;
  static Target target;

  const std::size_t timestamp_bytes = size < 8 ? size : 8;
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < timestamp_bytes; ++i) bits |= std::uint64_t{data[i]} << (8 * i);
  const auto timestamp = static_cast<std::int64_t>(bits);
  const std::size_t length = size - timestamp_bytes;
  const auto exact = std::make_unique<char[]>(length + 1);
  std::memcpy(exact.get(), data + timestamp_bytes, length);
  const std::string_view message(exact.get(), length);
  std::string padded(message);
  padded.reserve(length + ingest::kJsonPadding);

  ingest::EventDecoder& decoder = target.field_time.decoder;
  target.exact.clear();
  target.padded.clear();
  const EventOutcome outcome = decoder.decode_one(message, length, target.exact);
  const EventOutcome padded_outcome =
      decoder.decode_one(padded, padded.capacity(), target.padded);
  check_counted(outcome, target.exact);
  FUZZ_CHECK(padded_outcome == outcome);
  FUZZ_CHECK(same_batch(target.exact, target.padded));

  target.with_timestamp.clear();
  const EventOutcome timed = target.message_time.decoder.decode_one(
      padded, padded.capacity(), target.with_timestamp, timestamp);
  check_counted(timed, target.with_timestamp);
  if (timed == EventOutcome::kRow) {
    FUZZ_CHECK(target.with_timestamp.event_time_ms()[0] == timestamp);
  }

  if (is_json_object(message)) {
    FUZZ_CHECK(outcome != EventOutcome::kMalformed);
    const bool in_range = timestamp >= kMinTimestampMs && timestamp <= kFuzzLatestEventTimeMs;
    FUZZ_CHECK(timed == (in_range ? EventOutcome::kRow : EventOutcome::kInvalidEventTime));
    if (outcome == EventOutcome::kRow && timed == EventOutcome::kRow) {
      FUZZ_CHECK(same_features(target.exact, target.with_timestamp));
    }
    if (message.find('\n') == std::string_view::npos) {
      target.as_body.clear();
      const ingest::BodySummary body =
          decoder.decode_ndjson(padded, padded.capacity(), target.as_body);
      FUZZ_CHECK(body.events == 1);
      FUZZ_CHECK(same_batch(target.exact, target.as_body));
    }
  }

  const StreamCounters& counters = target.runtime->counters();
  const std::uint64_t accepted_before = counters.accepted.load();
  const std::uint64_t malformed_before = counters.malformed.load();
  const SourceDocument document{padded, timestamp};
  const IngestResult result = target.runtime->ingest_documents(0, {&document, 1}, kFuzzNowMs);
  FUZZ_CHECK(result.summary.events == 1);
  FUZZ_CHECK(result.summary.rows == target.with_timestamp.rows());
  FUZZ_CHECK(counters.accepted.load() - accepted_before == target.with_timestamp.rows());
  FUZZ_CHECK(counters.malformed.load() - malformed_before == target.with_timestamp.malformed());
  target.runtime->poll(kFuzzNowMs, [](const WindowEvaluation&, std::uint64_t) {});
  return 0;
}
