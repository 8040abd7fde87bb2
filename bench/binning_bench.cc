// Binning throughput (values/s) of the three ways to count a batch:
//   UpperBoundLoop      a plain std::upper_bound loop, the baseline
//   ScalarReference     scalar_count_bins, the path DRIFTD_SIMD=scalar runs
//   HighwayBatchBinner  BatchBinner::count, Highway with runtime dispatch
//                       (the label names the target it chose)
// for 16, 64 and 256 quantile bins, on random data (every bin equally
// likely) and on data that all falls in one bin (a constant or slowly moving
// feature). One batch of 2^20 values is reused for every iteration;
// items_per_second is values/s.
//
//   build/bin/binning_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "histogram/batch_binner.h"
#include "histogram/numeric_binning.h"
#include "histogram/scalar_binner.h"

namespace driftd {
namespace {

constexpr std::size_t kBatchSize = std::size_t{1} << 20;

enum class Data : int64_t { random = 0, one_bin = 1 };

struct Workload {
  NumericBinning binning;
  BatchBinner binner;
  std::vector<double> values;
};

// Quantile bins of a standard normal reference; values drawn from the same
// normal (random) or uniformly inside the middle bin (one_bin).
Workload make_workload(const benchmark::State& state) {
  const auto bins = static_cast<std::size_t>(state.range(0));
  const auto data = static_cast<Data>(state.range(1));
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal;
  std::vector<double> reference(100'000);
  for (double& x : reference) x = normal(rng);
  NumericBinning binning = NumericBinning::quantile(reference, bins);

  std::vector<double> values(kBatchSize);
  if (data == Data::random) {
    for (double& x : values) x = normal(rng);
  } else {
    const auto edges = binning.edges();
    const std::size_t middle = edges.size() / 2;
    std::uniform_real_distribution<double> inside(edges[middle - 1], edges[middle]);
    for (double& x : values) x = inside(rng);
  }
  BatchBinner binner(binning);
  return {std::move(binning), std::move(binner), std::move(values)};
}

template <class CountBatch>
void run(benchmark::State& state, CountBatch count_batch) {
  const Workload workload = make_workload(state);
  std::vector<std::uint64_t> counts(workload.binning.bin_count() + 1);
  for (auto _ : state) {
    count_batch(workload, counts);
    benchmark::DoNotOptimize(counts.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatchSize));
}

void UpperBoundLoop(benchmark::State& state) {
  run(state, [](const Workload& workload, std::vector<std::uint64_t>& counts) {
    const auto edges = workload.binning.edges();
    for (double x : workload.values) {
      ++counts[static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), x) -
                                        edges.begin())];
    }
  });
}

void ScalarReference(benchmark::State& state) {
  run(state, [](const Workload& workload, std::vector<std::uint64_t>& counts) {
    scalar_count_bins(workload.binning.edges(), workload.values, counts);
  });
}

void HighwayBatchBinner(benchmark::State& state) {
  state.SetLabel(std::string(BatchBinner::implementation()));
  run(state, [](const Workload& workload, std::vector<std::uint64_t>& counts) {
    workload.binner.count(workload.values, counts);
  });
}

void BinsAndData(benchmark::internal::Benchmark* benchmark) {
  benchmark
      ->ArgsProduct({{16, 64, 256},
                     {static_cast<int64_t>(Data::random), static_cast<int64_t>(Data::one_bin)}})
      ->ArgNames({"bins", "one_bin"});
}

BENCHMARK(UpperBoundLoop)->Apply(BinsAndData);
BENCHMARK(ScalarReference)->Apply(BinsAndData);
BENCHMARK(HighwayBatchBinner)->Apply(BinsAndData);

}  // namespace
}  // namespace driftd

BENCHMARK_MAIN();
