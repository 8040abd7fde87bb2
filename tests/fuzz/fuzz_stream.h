// The stream the ingest and checkpoint fuzz targets work on: event time from
// "/t" (an HTTP stream) or from the Kafka message timestamp (a Kafka stream),
// one-minute tumbling windows, two numeric and two categorical
// features (one nested, one inside an array, one path shared by both types),
// so every branch of the decoder's key dispatch can be reached. The seed
// corpora in corpus/ndjson_body/ and corpus/kafka_message/ use these fields.
//
// Thread safety: the targets are single-threaded; the functions build new
// values and share nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "ingest/category_resolver.h"
#include "ingest/event_decoder.h"
#include "pipeline/stream_runtime.h"

namespace driftd::fuzz {

// Where the fuzz stream takes its event time from.
enum class EventTimeFrom { field, kafka_timestamp };

config::StreamConfig fuzz_stream_config(EventTimeFrom time_from);

// The fuzz stream's runtime with one writer, its reference captured from
// built-in events (so ingest takes the monitoring path, the daemon's steady
// state) and given ids 1, 2, ... in feature order.
std::unique_ptr<StreamRuntime> monitoring_runtime(EventTimeFrom time_from);

// The "now" the targets hand to the runtime: a fixed time, so a run does not
// depend on the clock.
inline constexpr std::int64_t kFuzzNowMs = 1'700'000'000'000;
// The latest event time the runtime accepts at kFuzzNowMs: the fuzz streams
// keep event_time.max_future's default of 1 h.
inline constexpr std::int64_t kFuzzLatestEventTimeMs = kFuzzNowMs + 3'600'000;

// A category resolver for stand-alone decoders: checks what the decoder
// promises about the text it resolves (valid UTF-8: it goes into SQLite and
// JSON answers) and maps it to a bin without keeping it.
class CheckingResolver final : public ingest::CategoryResolver {
 public:
  std::uint32_t resolve(std::string_view value) override;
};

// A stand-alone EventDecoder with the schema of `stream` and a
// CheckingResolver per categorical feature: the runtime's own decoders are
// private, and this one shows each event's outcome. Like the runtime's at
// kFuzzNowMs, it takes event times up to kFuzzLatestEventTimeMs.
struct CheckedDecoder {
  explicit CheckedDecoder(const config::StreamConfig& stream);

  std::vector<CheckingResolver> resolvers;  // before decoder, which points into it
  ingest::EventDecoder decoder;
};

// True when text is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace driftd::fuzz
