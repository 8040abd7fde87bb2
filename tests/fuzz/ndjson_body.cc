// Fuzz target: an HTTP ingest body (NDJSON, or one JSON array) through
// StreamRuntime::ingest_ndjson, the call POST /v1/streams/{stream}/events
// makes, on a stream in its steady state (monitoring), followed by the
// window manager's poll; and through a stand-alone EventDecoder of the same
// schema, to see each event's outcome. Properties checked:
//   - the batch is consistent (batch_checks.h) and accounts for every event:
//     rows + malformed + invalid_event_time == events;
//   - NDJSON: one event per non-blank line; a line that is a valid JSON
//     object is never malformed, and every rejection is reported once, on
//     its line. A valid JSON array body: one event per element, malformed
//     exactly for the elements that are not objects;
//   - decoding from a buffer without padding (the decoder copies) and from
//     a padded one gives identical batches and reports;
//   - the runtime counts what the decoder counts, no more late rows than
//     rows, and each window it closes holds n + missing + invalid == events
//     per feature, with n the sum of its histogram.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "batch_checks.h"
#include "fuzz_check.h"
#include "fuzz_stream.h"
#include "ingest/event_decoder.h"

namespace driftd::fuzz {
namespace {

struct Rejection {
  std::size_t line;
  ingest::EventOutcome outcome;
  friend bool operator==(const Rejection&, const Rejection&) = default;
};

class RecordingSink final : public ingest::ErrorSink {
 public:
  void on_rejected(std::size_t line, ingest::EventOutcome outcome, std::string_view reason) override {
    FUZZ_CHECK(!reason.empty());
    rejections.push_back({line, outcome});
  }
  std::vector<Rejection> rejections;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// The lines of body, split at '\n', 1-based: lines[0] is unused.
std::vector<std::string_view> split_lines(std::string_view body) {
  std::vector<std::string_view> lines{{}};
  while (true) {
    const std::size_t newline = body.find('\n');
    lines.push_back(body.substr(0, newline));
    if (newline == std::string_view::npos) return lines;
    body.remove_prefix(newline + 1);
  }
}

struct Target {
  std::unique_ptr<StreamRuntime> runtime = monitoring_runtime(EventTimeFrom::field);
  CheckedDecoder checked{runtime->config()};
  ingest::DecodedBatch exact_batch;
  ingest::DecodedBatch padded_batch;
};

void check_ndjson_lines(std::string_view body, const ingest::BodySummary& summary,
                        const std::vector<Rejection>& rejections) {
  const std::vector<std::string_view> lines = split_lines(body);
  std::size_t non_blank = 0;
  for (std::size_t line = 1; line < lines.size(); ++line) {
    if (!trim(lines[line]).empty()) ++non_blank;
  }
  FUZZ_CHECK(summary.events == non_blank);
  std::size_t previous = 0;
  for (const Rejection& rejection : rejections) {
    FUZZ_CHECK(rejection.line > previous && rejection.line < lines.size());
    previous = rejection.line;
    if (rejection.outcome == ingest::EventOutcome::kMalformed) {
      FUZZ_CHECK(!is_json_object(lines[rejection.line]));
    }
  }
}

void check_array(std::string_view body, const ingest::BodySummary& summary) {
  static simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (parser.parse(simdjson::padded_string(body)).get(array) != simdjson::SUCCESS) {
    return;  // not valid JSON: the decoder may stop anywhere (event_decoder.h)
  }
  std::size_t not_objects = 0;
  for (const simdjson::dom::element element : array) {
    if (!element.is_object()) ++not_objects;
  }
  FUZZ_CHECK(summary.events == array.size());
  FUZZ_CHECK(summary.malformed == not_objects);
}

void check_windows(StreamRuntime& runtime) {
  runtime.poll(kFuzzNowMs, [](const WindowEvaluation& window, std::uint64_t) {
    for (const FeatureEvaluation& feature : window.features) {
      FUZZ_CHECK(feature.n + feature.missing + feature.invalid == window.events);
      FUZZ_CHECK(std::accumulate(feature.counts.begin(), feature.counts.end(), std::uint64_t{0}) ==
                 feature.n);
    }
  });
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  using namespace driftd::fuzz;
  static Target target;

  // Exactly the body's bytes (the decoder must copy them to pad), and the
  // body with the padding the HTTP server leaves after it.
  const auto exact = std::make_unique<char[]>(size + 1);
  std::memcpy(exact.get(), data, size);
  const std::string_view exact_body(exact.get(), size);
  std::string padded(exact_body);
  padded.reserve(size + ingest::kJsonPadding);

  target.exact_batch.clear();
  target.padded_batch.clear();
  RecordingSink exact_sink;
  RecordingSink padded_sink;
  const ingest::BodySummary summary =
      target.checked.decoder.decode_ndjson(exact_body, size, target.exact_batch, &exact_sink);
  const ingest::BodySummary padded_summary = target.checked.decoder.decode_ndjson(
      padded, padded.capacity(), target.padded_batch, &padded_sink);

  const ingest::DecodedBatch& batch = target.exact_batch;
  check_batch(batch);
  FUZZ_CHECK(summary.events == summary.rows + summary.malformed + summary.invalid_event_time);
  FUZZ_CHECK(batch.events() == summary.events && batch.rows() == summary.rows &&
             batch.malformed() == summary.malformed &&
             batch.invalid_event_time() == summary.invalid_event_time);
  FUZZ_CHECK(exact_sink.rejections.size() == summary.malformed + summary.invalid_event_time);
  FUZZ_CHECK(same_batch(batch, target.padded_batch));
  FUZZ_CHECK(padded_summary.events == summary.events && padded_summary.rows == summary.rows);
  FUZZ_CHECK(exact_sink.rejections == padded_sink.rejections);
  const std::string_view content = trim(exact_body);
  if (!content.empty() && content.front() == '[') {
    check_array(exact_body, summary);
  } else {
    check_ndjson_lines(exact_body, summary, exact_sink.rejections);
  }

  StreamRuntime& runtime = *target.runtime;
  const StreamCounters& counters = runtime.counters();
  const std::uint64_t events_before = counters.events.load();
  const std::uint64_t accepted_before = counters.accepted.load();
  const IngestResult result =
      runtime.ingest_ndjson(0, padded, padded.capacity(), nullptr, kFuzzNowMs);
  FUZZ_CHECK(result.summary.events == summary.events && result.summary.rows == summary.rows &&
             result.summary.malformed == summary.malformed &&
             result.summary.invalid_event_time == summary.invalid_event_time);
  FUZZ_CHECK(counters.events.load() - events_before == summary.events);
  FUZZ_CHECK(counters.accepted.load() - accepted_before == summary.rows);
  FUZZ_CHECK(result.late <= summary.rows);
  const auto times = batch.event_time_ms();
  FUZZ_CHECK(result.latest_event_time ==
             (times.empty() ? kMinTimestampMs : *std::max_element(times.begin(), times.end())));
  check_windows(runtime);
  return 0;
}
