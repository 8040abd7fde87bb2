// Two writer threads ingest into one stream -- through the reference capture
// and then the lock-free monitoring path -- while the window manager thread
// keeps closing windows. Conservation: every accepted event after the
// capture is in exactly one closed window, nothing lost, nothing twice.
// The same for a cluster instance's stream: its writers spool rows until the
// manager installs the reference (the owner's capture) meanwhile, then
// record pane deltas, while the manager cuts: every event in exactly one
// cut, as a row or in a pane.
// Run under ThreadSanitizer by scripts/test (label concurrency).
#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "config/config_parser.h"
#include "ingest/event_decoder.h"
#include "pipeline/counter_layout.h"
#include "pipeline/stream_runtime.h"

namespace driftd {
namespace {

constexpr int kCapture = 200;
constexpr int kWindow = 100;
constexpr int kBatches = 40;  // per writer
constexpr int kBatchSize = 50;

config::StreamConfig stream_config() {
  const config::Config config = config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "streams": [{
      "name": "race", "source": {"type": "http"},
      "window": {"type": "count", "events": 100},
      "reference": {"type": "capture", "events": 200},
      "features": [
        {"name": "x", "path": "/x", "type": "numeric", "bins": 8},
        {"name": "c", "path": "/c", "type": "categorical"}],
      "alerts": [{"metric": "jsd", "warn": 0.02, "critical": 0.05}]}]})");
  return config.streams[0];
}

std::string body(int writer, int batch) {
  std::string text;
  for (int i = 0; i < kBatchSize; ++i) {
    const int value = (writer * 7919 + batch * 104729 + i * 31) % 1000;
    text += "{\"x\": " + std::to_string(value) + ", \"c\": \"" +
            std::string(1, static_cast<char>('a' + value % 5)) + "\"}\n";
    if (i == 10) text += "{\"x\": \"oops\", \"c\": [1]}\n";  // invalid on both features
  }
  return text;
}

TEST_CASE("Writers racing the window manager lose and double-count nothing") {
  StreamRuntime runtime(stream_config(), 2);
  std::atomic<int> writers_done{0};
  std::atomic<int> short_batches{0};  // Catch2 assertions are not thread-safe
  std::vector<WindowEvaluation> windows;  // window manager thread only, until join

  std::thread manager([&] {
    const auto poll = [&] {
      runtime.take_new_references();
      runtime.poll(0, [&](const WindowEvaluation& window, uint64_t) {
        windows.push_back(window);
        runtime.alerts().apply(window);
      });
    };
    while (writers_done.load(std::memory_order_acquire) < 2) poll();
    poll();
  });
  std::vector<std::thread> writers;
  for (int writer = 0; writer < 2; ++writer) {
    writers.emplace_back([&, writer] {
      for (int batch = 0; batch < kBatches; ++batch) {
        std::string text = body(writer, batch);
        text.reserve(text.size() + ingest::kJsonPadding);
        const IngestResult result =
            runtime.ingest_ndjson(static_cast<std::size_t>(writer), text, text.capacity(), nullptr, 0);
        if (result.summary.rows != kBatchSize + 1) short_batches.fetch_add(1);
      }
      writers_done.fetch_add(1, std::memory_order_release);
    });
  }
  for (std::thread& writer : writers) writer.join();
  manager.join();

  CHECK(short_batches.load() == 0);
  const int total = 2 * kBatches * (kBatchSize + 1);
  REQUIRE(runtime.monitoring());
  REQUIRE(runtime.counters().accepted.load() == static_cast<uint64_t>(total));
  // Every event after the capture lands in a complete window of 100 except
  // the last partial one, which stays open.
  const int after_capture = total - kCapture;
  REQUIRE(windows.size() == static_cast<std::size_t>(after_capture / kWindow));
  for (std::size_t w = 0; w < windows.size(); ++w) {
    INFO(w);
    CHECK(windows[w].events == static_cast<uint64_t>(kWindow));
    CHECK(windows[w].bounds.start == static_cast<int64_t>(w) * kWindow);
    for (const FeatureEvaluation& feature : windows[w].features) {
      CHECK(feature.n + feature.missing + feature.invalid == static_cast<uint64_t>(kWindow));
    }
  }
  // The open window holds the rest: the sequencer handed out exactly the
  // events recorded after the capture.
  StreamCheckpoint checkpoint;
  REQUIRE(runtime.checkpoint(checkpoint));
  CHECK(checkpoint.windows.next_sequence == after_capture);
}

config::StreamConfig cluster_config() {
  const config::Config config = config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "streams": [{
      "name": "race", "source": {"type": "http"},
      "event_time": {"field": "/t"},
      "window": {"type": "tumbling", "size": "1s"},
      "reference": {"type": "capture", "events": 50},
      "features": [
        {"name": "x", "path": "/x", "type": "numeric", "bins": 8},
        {"name": "c", "path": "/c", "type": "categorical"}]}]})");
  return config.streams[0];
}

// The clock of the cluster test: its event times are in the past.
constexpr int64_t kNow = 1'800'000'000'000;

// body() with event times: batch b of writer w in its own 10 ms.
std::string timed_body(int writer, int batch) {
  const int64_t t = 1'700'000'000'000 + int64_t{writer * kBatches + batch} * 10;
  std::string text;
  for (int i = 0; i < kBatchSize; ++i) {
    const int value = (writer * 7919 + batch * 104729 + i * 31) % 1000;
    text += "{\"t\": " + std::to_string(t) + ", \"x\": " + std::to_string(value) +
            ", \"c\": \"" + std::string(1, static_cast<char>('a' + value % 5)) + "\"}\n";
  }
  return text;
}

TEST_CASE("A cluster instance's writers spool, then record, while the manager installs the "
          "reference and cuts: every event once") {
  // The reference the owner would publish: here one local capture's.
  StreamRuntime local(cluster_config(), 1);
  std::string first = timed_body(0, 0) + timed_body(1, 0);
  first.reserve(first.size() + ingest::kJsonPadding);
  local.ingest_ndjson(0, first, first.capacity(), nullptr, kNow);
  local.observe_event_time(0, kNow, kNow);
  REQUIRE(local.monitoring());
  const StreamReferences references = local.references();

  StreamRuntime instance(cluster_config(), 2, WindowRole::cluster_instance);
  std::atomic<int> writers_done{0};
  std::atomic<int> halfway{0};  // writers that spooled half their batches
  std::atomic<bool> installing{false};
  std::atomic<int> short_batches{0};
  uint64_t spooled = 0;   // manager thread only, until join
  uint64_t recorded = 0;
  std::thread manager([&] {
    const auto cut = [&] {
      const PaneCut taken = instance.cut(kNow);
      spooled += taken.rows.rows();
      for (const PanePiece& piece : taken.panes) recorded += piece.deltas[CounterLayout::kEvents];
    };
    while (halfway.load(std::memory_order_acquire) < 2) cut();
    // The writers go on as the reference is installed.
    installing.store(true, std::memory_order_release);
    instance.install_references(references);
    while (writers_done.load(std::memory_order_acquire) < 2) cut();
    cut();
  });
  std::vector<std::thread> writers;
  for (int writer = 0; writer < 2; ++writer) {
    writers.emplace_back([&, writer] {
      for (int batch = 0; batch < kBatches; ++batch) {
        if (batch == kBatches / 2) {
          halfway.fetch_add(1, std::memory_order_release);
          while (!installing.load(std::memory_order_acquire)) std::this_thread::yield();
        }
        std::string text = timed_body(writer, batch);
        text.reserve(text.size() + ingest::kJsonPadding);
        const IngestResult result = instance.ingest_ndjson(static_cast<std::size_t>(writer), text,
                                                           text.capacity(), nullptr, kNow);
        if (result.summary.rows != kBatchSize) short_batches.fetch_add(1);
      }
      writers_done.fetch_add(1, std::memory_order_release);
    });
  }
  for (std::thread& writer : writers) writer.join();
  manager.join();

  CHECK(short_batches.load() == 0);
  REQUIRE(instance.monitoring());
  const uint64_t total = 2 * kBatches * kBatchSize;
  CHECK(instance.counters().accepted.load() == total);
  CHECK(spooled + recorded == total);
  CHECK(spooled > 0);
  CHECK(recorded > 0);
}

}  // namespace
}  // namespace driftd
