// An event-time reference capture ends at a cut on a pane boundary, in
// event-time order, once the watermark the source allows has passed it: the
// reference is every event before the cut, the windows after it start whole
// and no on-time event is late, whatever order the partitions of a Kafka
// topic arrive in. The partitions are simulated here by the time limit a
// Kafka source gives each batch (PartitionTimes): the latest time of the
// other partitions that still hold.
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/config_parser.h"
#include "pipeline/stream_runtime.h"
#include "stream_runtime_driver.h"

namespace driftd {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kStart = 1'700'000'000'000 / kMinute * kMinute;
constexpr int64_t kNow = kStart + 60 * kMinute;
constexpr int64_t kNothingYet = std::numeric_limits<int64_t>::min();

config::StreamConfig stream_config(const std::string& reference,
                                   const std::string& window = R"({"type": "tumbling", "size": "1m"})") {
  return config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "streams": [{
      "name": "s", "source": {"type": "http"},
      "event_time": {"field": "/t"},
      "window": )" + window + R"(,
      "reference": )" + reference + R"(,
      "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 8}]}]})")
      .streams[0];
}

// `n` events spread over the minute from `minute_start` (one per 1000 ms / n).
std::vector<std::string> minute_of_events(int64_t minute_start, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    const int64_t t = minute_start + static_cast<int64_t>(i) * kMinute / n;
    out.push_back("{\"t\": " + std::to_string(t) + ", \"x\": " + std::to_string(i % 13) + "}");
  }
  return out;
}

IngestResult ingest(StreamRuntime& runtime, const std::vector<std::string>& documents,
                    std::optional<int64_t> time_limit) {
  return test::ingest_json(runtime, documents, time_limit, kNow);
}

using test::Closed;
using test::poll;

uint64_t reference_events(StreamRuntime& runtime) {
  const auto& counts = runtime.references().features[0].counts;
  return std::accumulate(counts.begin(), counts.end(), uint64_t{0});
}

TEST_CASE("An event-time capture cuts at a pane boundary in event-time order") {
  StreamRuntime runtime(stream_config(R"({"type": "capture", "events": 100})"), 1);
  // Partition A is read three minutes ahead before partition B is read at
  // all: B (never read) holds time at the beginning.
  ingest(runtime, minute_of_events(kStart, 60), kNothingYet);
  ingest(runtime, minute_of_events(kStart + kMinute, 60), kNothingYet);
  ingest(runtime, minute_of_events(kStart + 2 * kMinute, 60), kNothingYet);
  CHECK_FALSE(runtime.monitoring());
  // B's first minute: 120 events of minute 0 now, so the cut is kStart + 1 min,
  // but B has not passed it yet (A's latest limits B's batches; B's own
  // latest is the frontier).
  const int64_t a_latest = kStart + 3 * kMinute - 1000;
  ingest(runtime, minute_of_events(kStart, 60), a_latest);
  CHECK_FALSE(runtime.monitoring());
  // B's second minute passes the cut: the capture ends, with minute 0 of
  // both partitions, and what it held beyond the cut goes to the windows.
  const IngestResult completing = ingest(runtime, minute_of_events(kStart + kMinute, 60), a_latest);
  REQUIRE(runtime.monitoring());
  CHECK(completing.late == 0);
  CHECK(reference_events(runtime) == 120);
  ingest(runtime, minute_of_events(kStart + 2 * kMinute, 60), a_latest);
  // Both partitions idle at the end: the watermark may go to their latest.
  runtime.observe_event_time(0, a_latest + 1000, kNow);
  CHECK(poll(runtime) == std::vector<Closed>{{kStart + kMinute, 120}, {kStart + 2 * kMinute, 120}});
  CHECK(runtime.counters().late.load() == 0);
}

TEST_CASE("Without `events` the capture is the window of the earliest event, wherever it arrives") {
  StreamRuntime runtime(stream_config(R"({"type": "capture"})"), 1);
  // Partition A's minute 1 arrives before partition B's minute 0.
  ingest(runtime, minute_of_events(kStart + kMinute, 40), kNothingYet);
  ingest(runtime, minute_of_events(kStart, 30), kStart + kMinute + 59'000);
  CHECK_FALSE(runtime.monitoring());  // B's latest is still in minute 0
  runtime.observe_event_time(0, kStart + kMinute, kNow);  // B went idle
  REQUIRE(runtime.monitoring());
  CHECK(reference_events(runtime) == 30);
  runtime.observe_event_time(0, kStart + 2 * kMinute, kNow);
  CHECK(poll(runtime) == std::vector<Closed>{{kStart + kMinute, 40}});
  CHECK(runtime.counters().late.load() == 0);
}

TEST_CASE("The capture waits for allowed_lateness past its cut") {
  StreamRuntime runtime(
      stream_config(R"({"type": "capture", "events": 10})",
                    R"({"type": "tumbling", "size": "1m", "allowed_lateness": "30s"})"),
      1);
  ingest(runtime, minute_of_events(kStart, 20), std::nullopt);
  ingest(runtime, minute_of_events(kStart + kMinute, 10), std::nullopt);  // latest: +1m54s
  REQUIRE(runtime.monitoring());
  // The watermark is 1m54s - 30s = 1m24s: an event of minute 1 is on time,
  // one of minute 0 (before the cut, where the windows start) is late.
  CHECK(ingest(runtime, minute_of_events(kStart + kMinute, 1), std::nullopt).late == 0);
  CHECK(ingest(runtime, minute_of_events(kStart, 1), std::nullopt).late == 1);
}

TEST_CASE("Without time limits (HTTP) the capture ends at the first event past the cut") {
  StreamRuntime runtime(stream_config(R"({"type": "capture", "events": 50})"), 1);
  ingest(runtime, minute_of_events(kStart, 80), std::nullopt);
  CHECK_FALSE(runtime.monitoring());
  std::vector<std::string> batch = minute_of_events(kStart, 5);
  const std::vector<std::string> next = minute_of_events(kStart + kMinute, 7);
  batch.insert(batch.end(), next.begin(), next.end());
  ingest(runtime, batch, std::nullopt);
  REQUIRE(runtime.monitoring());
  CHECK(reference_events(runtime) == 85);
  ingest(runtime, minute_of_events(kStart + 2 * kMinute, 1), std::nullopt);
  CHECK(poll(runtime) == std::vector<Closed>{{kStart + kMinute, 7}});
}

}  // namespace
}  // namespace driftd
