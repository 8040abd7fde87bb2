// Binning throughput (values/s) of the ways to count a batch:
//   UpperBoundLoop             a plain std::upper_bound loop, the baseline
//   ScalarReference            scalar_count_bins, the path DRIFTD_SIMD=scalar runs
//   HighwayBatchBinner/TARGET  BatchBinner::count with Highway's dispatch
//                              restricted to TARGET, once per target of
//                              simd_targets.h (DRIFTD_BENCH_TARGETS=AVX2,AVX3
//                              to choose; the label confirms the target)
// for 16, 64 and 256 quantile bins and three kinds of data (data:N):
//   0 random        a standard normal, bins of a standard normal reference
//                   (every bin equally likely)
//   1 one_bin       uniform inside the middle of those bins (a constant or
//                   slowly moving feature: the run fast path)
//   2 two_clusters  half N(0, 1), half N(1000, 1), bins of the same mixture:
//                   one cluster's edges share a bucket of the radix index's
//                   root and are searched through a sub-level
//                   (radix_index.h), the index's slow path
// One batch of 2^20 values is reused for every iteration; items_per_second
// is values/s (of CPU time).
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
#include "simd_targets.h"

namespace driftd {
namespace {

constexpr std::size_t kBatchSize = std::size_t{1} << 20;

enum class Data : int64_t { random = 0, one_bin = 1, two_clusters = 2 };

struct Workload {
  NumericBinning binning;
  BatchBinner binner;
  std::vector<double> values;
};

Workload make_workload(const benchmark::State& state) {
  const auto bins = static_cast<std::size_t>(state.range(0));
  const auto data = static_cast<Data>(state.range(1));
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal;
  std::bernoulli_distribution far_cluster(0.5);
  const auto draw = [&] {
    const double x = normal(rng);
    return data == Data::two_clusters && far_cluster(rng) ? 1000 + x : x;
  };
  std::vector<double> reference(100'000);
  for (double& x : reference) x = draw();
  NumericBinning binning = NumericBinning::quantile(reference, bins);

  std::vector<double> values(kBatchSize);
  if (data == Data::one_bin) {
    const auto edges = binning.edges();
    const std::size_t middle = edges.size() / 2;
    std::uniform_real_distribution<double> inside(edges[middle - 1], edges[middle]);
    for (double& x : values) x = inside(rng);
  } else {
    for (double& x : values) x = draw();
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

void HighwayBatchBinner(benchmark::State& state, std::int64_t target) {
  const bench::TargetScope scope(target);
  state.SetLabel(std::string(BatchBinner::implementation()));
  run(state, [](const Workload& workload, std::vector<std::uint64_t>& counts) {
    workload.binner.count(workload.values, counts);
  });
}

void BinsAndData(benchmark::internal::Benchmark* benchmark) {
  benchmark
      ->ArgsProduct({{16, 64, 256},
                     {static_cast<int64_t>(Data::random), static_cast<int64_t>(Data::one_bin),
                      static_cast<int64_t>(Data::two_clusters)}})
      ->ArgNames({"bins", "data"});
}

BENCHMARK(UpperBoundLoop)->Apply(BinsAndData);
BENCHMARK(ScalarReference)->Apply(BinsAndData);

void register_highway_benchmarks() {
  for (const bench::BenchTarget& target : bench::bench_targets()) {
    benchmark::RegisterBenchmark(("HighwayBatchBinner/" + target.name).c_str(),
                                 HighwayBatchBinner, target.target)
        ->Apply(BinsAndData);
  }
}

}  // namespace
}  // namespace driftd

int main(int argc, char** argv) {
  return driftd::bench::run_per_target_benchmarks(argc, argv, driftd::register_highway_benchmarks);
}
