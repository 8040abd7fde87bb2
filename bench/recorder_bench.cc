// Recording throughput of WindowRecorder: a worker adds one batch's bin-count
// deltas (512 events, 10 features x 64 bins + one slot per feature for
// missing values = 650 counters) into the open pane, alone or while a reader
// rotates (closes a pane) every millisecond. Items are events: a batch counts
// 512.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "window/window_recorder.h"

namespace {

using driftd::PaneId;
using driftd::WindowRecorder;

constexpr std::size_t kFeatures = 10;
constexpr std::size_t kBins = 64;
constexpr std::size_t kCounters = kFeatures * (kBins + 1);  // 650
constexpr std::int64_t kBatchEvents = 512;
constexpr std::size_t kMaxWriters = 2;
constexpr std::size_t kOpenPanes = 4;

// Per feature: 512 events spread over its 64 bins, a few missing.
std::vector<std::uint64_t> batch_deltas() {
  std::vector<std::uint64_t> deltas(kCounters, 0);
  std::mt19937 random(1);
  for (std::size_t feature = 0; feature < kFeatures; ++feature) {
    std::uint64_t* counts = deltas.data() + feature * (kBins + 1);
    for (std::int64_t event = 0; event < kBatchEvents; ++event) {
      counts[random() % 50 == 0 ? kBins : random() % kBins] += 1;
    }
  }
  return deltas;
}

// Shared by the benchmark threads; thread 0 sets it up before the timed loop
// and tears it down after (the loop's start and stop are barriers).
struct Shared {
  std::unique_ptr<WindowRecorder> recorder;
  std::atomic<PaneId> open_pane{0};
  std::atomic<bool> stop{false};
  std::thread reader;
  std::int64_t rotations = 0;
};
Shared shared;

// Closes the oldest pane every millisecond, moving writers to the next one.
void rotate_until_stopped() {
  std::vector<std::uint64_t> closed(kCounters);
  while (!shared.stop.load(std::memory_order_relaxed)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const PaneId next = shared.recorder->first_open_pane() + 1;
    // relaxed: a hint for the writers; a stale pane only makes a batch late.
    shared.open_pane.store(next, std::memory_order_relaxed);
    shared.recorder->close_panes_before(next, closed);
    ++shared.rotations;
  }
}

void record_batches(benchmark::State& state, bool rotating_reader) {
  if (state.thread_index() == 0) {
    shared.recorder = std::make_unique<WindowRecorder>(kCounters, kMaxWriters, kOpenPanes, 0);
    shared.open_pane.store(0);
    shared.rotations = 0;
    if (rotating_reader) {
      shared.stop.store(false);
      shared.reader = std::thread(rotate_until_stopped);
    }
  }
  const std::vector<std::uint64_t> deltas = batch_deltas();
  const auto writer = static_cast<std::size_t>(state.thread_index());
  for (auto _ : state) {
    const PaneId pane = shared.open_pane.load(std::memory_order_relaxed);
    benchmark::DoNotOptimize(shared.recorder->record(writer, pane, deltas));
  }
  state.SetItemsProcessed(state.iterations() * kBatchEvents);
  if (state.thread_index() == 0) {
    if (rotating_reader) {
      shared.stop.store(true);
      shared.reader.join();
      state.counters["rotations"] = static_cast<double>(shared.rotations);
    }
    shared.recorder.reset();
  }
}

void BM_RecordBatch(benchmark::State& state) { record_batches(state, false); }
void BM_RecordBatchWhileReaderRotates(benchmark::State& state) { record_batches(state, true); }

BENCHMARK(BM_RecordBatch)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_RecordBatchWhileReaderRotates)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
