// Drives a StreamRuntime the way a source does, for tests: JSON documents in
// as one batch of writer 0, closed windows out as (start, n of the first
// feature); and the event-time stream the tests drive.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config_parser.h"
#include "pipeline/stream_runtime.h"

namespace driftd::test {

// Event time from "/t", tumbling windows of a minute, one numeric feature x
// (8 bins) whose reference the first 50 events capture.
inline config::StreamConfig stream_config() {
  return config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "streams": [{
      "name": "s", "source": {"type": "http"},
      "event_time": {"field": "/t"},
      "window": {"type": "tumbling", "size": "1m"},
      "reference": {"type": "capture", "events": 50},
      "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 8}]}]})")
      .streams[0];
}

// `n` events at time t with values 0..n-1 (mod 97).
inline std::vector<std::string> events(int64_t t, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    out.push_back("{\"t\": " + std::to_string(t) + ", \"x\": " + std::to_string(i % 97) + "}");
  }
  return out;
}

// Ingests `documents` (copied with the decoder's padding) as one batch at
// clock `now`, under the source's `time_limit`.
inline IngestResult ingest_json(StreamRuntime& runtime, const std::vector<std::string>& documents,
                                std::optional<int64_t> time_limit, int64_t now) {
  std::vector<std::string> padded = documents;
  std::vector<SourceDocument> sources;
  for (std::string& document : padded) {
    document.reserve(document.size() + 64);
    sources.push_back({document, INT64_MIN});
  }
  return runtime.ingest_documents(0, sources, now, time_limit);
}

struct Closed {
  int64_t start;
  uint64_t n;  // values of the first feature
  friend bool operator==(const Closed&, const Closed&) = default;
};

// Takes new references (as the manager stores them) and closes what is due.
inline std::vector<Closed> poll(StreamRuntime& runtime) {
  std::vector<Closed> closed;
  runtime.take_new_references();
  runtime.poll(0, [&](const WindowEvaluation& window, uint64_t) {
    closed.push_back({window.bounds.start, window.features[0].n});
  });
  return closed;
}

}  // namespace driftd::test
