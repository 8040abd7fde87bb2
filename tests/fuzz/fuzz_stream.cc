#include "fuzz_stream.h"

#include <functional>
#include <string>

#include "config/config_parser.h"
#include "fuzz_check.h"
#include "pipeline/stream_schema.h"

namespace driftd::fuzz {
namespace {

std::vector<ingest::CategoryResolver*> pointers(std::vector<CheckingResolver>& resolvers) {
  std::vector<ingest::CategoryResolver*> out;
  for (CheckingResolver& resolver : resolvers) out.push_back(&resolver);
  return out;
}

constexpr std::string_view kStreamConfig = R"({
  "storage": {"path": "unused.db"},
  "kafka": {"brokers": "unused:9092", "group_id": "unused"},
  "streams": [{
    "name": "fuzz", "source": SOURCE,
    "event_time": EVENT_TIME,
    "window": {"type": "tumbling", "size": "1m", "allowed_lateness": "10s"},
    "reference": {"type": "capture", "events": 20},
    "features": [
      {"name": "x", "path": "/x", "type": "numeric", "bins": 8},
      {"name": "deep", "path": "/n/m/v", "type": "numeric", "binning": "uniform", "bins": 4},
      {"name": "c", "path": "/c", "type": "categorical", "max_categories": 4},
      {"name": "x_as_category", "path": "/x", "type": "categorical"},
      {"name": "first_tag", "path": "/tags/0", "type": "categorical"}
    ]}]})";

}  // namespace

config::StreamConfig fuzz_stream_config(EventTimeFrom time_from) {
  std::string text(kStreamConfig);
  const std::string event_time = time_from == EventTimeFrom::field
                                     ? R"({"field": "/t", "unit": "ms"})"
                                     : R"({"kafka_timestamp": true})";
  const std::string source = time_from == EventTimeFrom::field
                                 ? R"({"type": "http"})"
                                 : R"({"type": "kafka", "topic": "fuzz"})";
  text.replace(text.find("SOURCE"), std::string_view("SOURCE").size(), source);
  text.replace(text.find("EVENT_TIME"), std::string_view("EVENT_TIME").size(), event_time);
  return config::parse_config(text).streams.at(0);
}

std::unique_ptr<StreamRuntime> monitoring_runtime(EventTimeFrom time_from) {
  auto runtime = std::make_unique<StreamRuntime>(fuzz_stream_config(time_from), 1);
  std::string events;
  std::vector<std::string> documents;
  // The reference: 20 events two minutes before now. An event-time capture
  // ends once the watermark has passed its cut (the end of their minute) by
  // the allowed lateness: the source then lets it rise to now.
  constexpr int64_t kCaptureMs = kFuzzNowMs - 120'000;
  for (int i = 0; i < 20; ++i) {
    const std::string t = std::to_string(kCaptureMs + i);
    const std::string fields = "\"x\": " + std::to_string(i % 7) + ", \"n\": {\"m\": {\"v\": " +
                               std::to_string(i % 3) + "}}, \"c\": \"c" + std::to_string(i % 5) +
                               "\", \"tags\": [\"t" + std::to_string(i % 2) + "\"]";
    events += "{\"t\": " + t + ", " + fields + "}\n";
    documents.push_back("{" + fields + "}");
  }
  if (time_from == EventTimeFrom::field) {
    events.reserve(events.size() + ingest::kJsonPadding);
    runtime->ingest_ndjson(0, events, events.capacity(), nullptr, kFuzzNowMs);
  } else {
    std::vector<SourceDocument> sources;
    for (const std::string& document : documents) sources.push_back({document, kCaptureMs});
    runtime->ingest_documents(0, sources, kFuzzNowMs);
  }
  runtime->observe_event_time(0, kFuzzNowMs, kFuzzNowMs);
  FUZZ_CHECK(runtime->monitoring());
  StreamReferences* references = runtime->take_new_references();
  FUZZ_CHECK(references != nullptr);
  for (std::size_t f = 0; f < references->features.size(); ++f) {
    references->features[f].id = static_cast<std::int64_t>(f + 1);
  }
  return runtime;
}

CheckedDecoder::CheckedDecoder(const config::StreamConfig& stream)
    : resolvers(make_stream_schema(stream).decoder.categorical_count()),
      decoder(make_stream_schema(stream).decoder, pointers(resolvers)) {
  FUZZ_CHECK(stream.event_time.has_value() == false ||
             kFuzzNowMs + stream.event_time->max_future.count() == kFuzzLatestEventTimeMs);
  decoder.set_latest_event_time(kFuzzLatestEventTimeMs);
}

std::uint32_t CheckingResolver::resolve(std::string_view value) {
  FUZZ_CHECK(is_valid_utf8(value));
  return static_cast<std::uint32_t>(std::hash<std::string_view>{}(value) % 1024);
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (byte < 0x80) {
      ++i;
      continue;
    } else if ((byte & 0xE0) == 0xC0) {
      length = 2;
      code = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
      code = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4;
      code = byte & 0x07;
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace driftd::fuzz
