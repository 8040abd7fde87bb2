// Cluster mode's costs (issue 15): what an owner pays per pane partial it
// merges (decoding it, adding its deltas, applying its partition progress)
// and per window it closes; what an instance pays per cut (taking its pane
// deltas, encoding its partial). Layouts: 50 features x 16 bins (851 counter
// words) and 1,000 features x 64 bins (66,001 words); a partial of a 1 s
// cut holds the deltas of the panes it touched (1 or 2 for 1 s windows) and
// the progress of the instance's partitions. Items are partials (or cuts);
// the partial's size in bytes is a counter. Figures: docs/performance.md.
#include <cstdint>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "cluster/pane_partial.h"
#include "cluster/stream_merge.h"
#include "window/pane_delta_recorder.h"
#include "window/window_spec.h"

namespace {

using namespace driftd;
using namespace driftd::cluster;

constexpr int64_t kPaneMs = 1000;
constexpr int64_t kStart = 1'700'000'000'000;

std::size_t counters_of(int64_t features, int64_t bins) {
  return 1 + static_cast<std::size_t>(features * (bins + 2));
}

// A partial of `panes` panes, each with `events` events spread over every
// feature's bins (a dense block once events >= bins), `partitions` entries.
PanePartial make_partial(std::size_t counters, int64_t bins, int panes, uint64_t events,
                         int partitions, PaneId first_pane, std::mt19937_64& random) {
  PanePartial partial;
  partial.stream = "payments";
  partial.producer = "instance-7";
  partial.reference_version = 1;
  partial.layout_fingerprint = 42;
  partial.counters = static_cast<uint32_t>(counters);
  for (int p = 0; p < panes; ++p) {
    std::vector<uint64_t> counts(counters, 0);
    counts[0] = events;
    for (std::size_t first = 1; first + static_cast<std::size_t>(bins) + 2 <= counters;
         first += static_cast<std::size_t>(bins) + 2) {
      for (uint64_t e = 0; e < events; ++e) ++counts[first + random() % static_cast<uint64_t>(bins)];
    }
    partial.panes.push_back({first_pane + p, std::move(counts)});
  }
  for (int p = 0; p < partitions; ++p) {
    partial.partitions.push_back({.partition = p, .next_offset = 1'000'000,
                                  .watermark_ms = kStart, .behind = false});
  }
  return partial;
}

void BM_EncodePartial(benchmark::State& state) {
  const int64_t features = state.range(0), bins = state.range(1);
  const auto events = static_cast<uint64_t>(state.range(2));
  std::mt19937_64 random(1);
  const PanePartial partial =
      make_partial(counters_of(features, bins), bins, 2, events, 10, kStart / kPaneMs, random);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::vector<std::byte> encoded = encode_pane_partial(partial);
    bytes = encoded.size();
    benchmark::DoNotOptimize(encoded.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodePartial(benchmark::State& state) {
  const int64_t features = state.range(0), bins = state.range(1);
  const auto events = static_cast<uint64_t>(state.range(2));
  std::mt19937_64 random(1);
  const std::vector<std::byte> encoded = encode_pane_partial(
      make_partial(counters_of(features, bins), bins, 2, events, 10, kStart / kPaneMs, random));
  for (auto _ : state) {
    const PanePartial partial = decode_pane_partial(encoded);
    benchmark::DoNotOptimize(partial.panes.data());
  }
  state.counters["bytes"] = static_cast<double>(encoded.size());
  state.SetItemsProcessed(state.iterations());
}

// The owner: decode + add + poll per partial, 100 instances' partials per
// pane (each pane's window closes after all 100 have passed it).
void BM_OwnerMerge(benchmark::State& state) {
  const int64_t features = state.range(0), bins = state.range(1);
  const auto events = static_cast<uint64_t>(state.range(2));
  constexpr int kInstances = 100;
  const std::size_t counters = counters_of(features, bins);
  std::mt19937_64 random(1);
  // One partial per instance and pane, progress of its 10 partitions.
  std::vector<std::vector<std::byte>> encoded;
  const PanePartial model = make_partial(counters, bins, 1, events, 0, 0, random);
  StreamMerge merge(WindowSpec::tumbling(std::chrono::milliseconds(kPaneMs), TimeDomain::event_time),
                    counters, 1, 42, 10'000, 10'000);
  merge.set_partition_count(kInstances * 10);
  PaneId pane = kStart / kPaneMs;
  int64_t activity = 0;
  uint64_t windows = 0;
  int instance = 0;
  for (auto _ : state) {
    state.PauseTiming();
    PanePartial partial = model;
    partial.panes[0].pane = pane;
    for (int p = 0; p < 10; ++p) {
      partial.partitions.push_back({.partition = instance * 10 + p,
                                    .next_offset = (pane - kStart / kPaneMs + 1) * 1000,
                                    .watermark_ms = (pane + 1) * kPaneMs, .behind = false});
    }
    const std::vector<std::byte> bytes = encode_pane_partial(partial);
    if (++instance == kInstances) {
      instance = 0;
      ++pane;
    }
    state.ResumeTiming();
    const PanePartial decoded = decode_pane_partial(bytes);
    merge.add(decoded, ++activity);
    merge.poll(activity, [&](const ClosedWindow&) { ++windows; });
  }
  state.counters["windows"] = static_cast<double>(windows);
  state.SetItemsProcessed(state.iterations());
}

// An instance's take() at a cut after a second of events in 2 panes.
void BM_InstanceTake(benchmark::State& state) {
  const int64_t features = state.range(0), bins = state.range(1);
  const std::size_t counters = counters_of(features, bins);
  PaneDeltaRecorder deltas(WindowSpec::tumbling(std::chrono::milliseconds(kPaneMs),
                                                TimeDomain::event_time),
                           counters, 2);
  std::vector<uint64_t> block(counters, 1);
  int64_t now = kStart;
  deltas.watermark().observe(now);
  deltas.take();
  for (auto _ : state) {
    state.PauseTiming();
    deltas.watermark().observe(now);
    deltas.recorder().record(0, now / kPaneMs, block);
    deltas.recorder().record(1, now / kPaneMs + 1, block);
    now += kPaneMs;
    state.ResumeTiming();
    benchmark::DoNotOptimize(deltas.take().data());
  }
  state.SetItemsProcessed(state.iterations());
}

// {features, bins, events per pane}
BENCHMARK(BM_EncodePartial)->Args({50, 16, 10})->Args({50, 16, 10'000})->Args({1000, 64, 10'000});
BENCHMARK(BM_DecodePartial)->Args({50, 16, 10})->Args({50, 16, 10'000})->Args({1000, 64, 10'000});
BENCHMARK(BM_OwnerMerge)->Args({50, 16, 10})->Args({50, 16, 10'000})->Args({1000, 64, 10'000});
BENCHMARK(BM_InstanceTake)->Args({50, 16})->Args({1000, 64});

}  // namespace

BENCHMARK_MAIN();
