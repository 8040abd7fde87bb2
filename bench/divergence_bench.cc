// One window of a typical deployment: 1,000 features x 64 bins of random
// counts, every measure plus the G-test and its p-value per feature.
//
//   build/bin/divergence_bench
//
// Batch/simd/TARGET and Batch/scalar_reference are the whole evaluation
// (compare_counts_batch) with either kernel, the SIMD one once per Highway
// target of simd_targets.h (DRIFTD_BENCH_TARGETS=AVX2,AVX3 to choose);
// MeasuresAndGTest/... is its part that one kernel pass computes (every
// measure, the G-test and its p-value: measure_counts_batch), which the
// kernels' speed decides. SampleSize is the sample-size-aware part alone (the pooled G-test,
// the rank test and the null expectation behind jsd_corrected and
// psi_corrected), to show what it costs; PValues is the chi-square survival
// alone for the same 1,000 features, once with the policy the library uses
// (double precision) and once with Boost's default (promotes to long double),
// which shows why the library does not use the default.
#include <benchmark/benchmark.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "divergence/calibrated_g_test.h"
#include "divergence/divergence.h"
#include "divergence/null_expectation.h"
#include "divergence/rank_test.h"
#include "simd_targets.h"

namespace {

constexpr std::size_t kFeatures = 1000;
constexpr std::size_t kBins = 64;
constexpr double kAlpha = 0.5;

// Current and reference counts of every feature, and the batch view on them.
struct Window {
  Window() {
    std::mt19937_64 engine(42);
    std::uniform_int_distribution<uint64_t> count(0, 200);
    for (std::vector<uint64_t>* side : {&p, &q}) {
      side->resize(kFeatures * kBins);
      for (uint64_t& value : *side) value = count(engine);
    }
    for (std::size_t i = 0; i < kFeatures; ++i) {
      features.push_back({std::span<const uint64_t>(p).subspan(i * kBins, kBins),
                          std::span<const uint64_t>(q).subspan(i * kBins, kBins)});
    }
  }

  std::vector<uint64_t> p, q;
  std::vector<driftd::FeatureCounts> features;
};

const Window& window() {
  static const Window instance;
  return instance;
}

// compare_counts_batch or measure_counts_batch over the window.
using BatchFunction = void (*)(std::span<const driftd::FeatureCounts>, double,
                               std::span<driftd::CountComparison>, driftd::SumsKernel);

void RunBatch(benchmark::State& state, BatchFunction batch, driftd::SumsKernel kernel) {
  std::vector<driftd::CountComparison> out(kFeatures);
  for (auto _ : state) {
    batch(window().features, kAlpha, out, kernel);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kFeatures));
}

// The SIMD kernels with Highway's dispatch restricted to one target.
void RunSimdBatch(benchmark::State& state, BatchFunction batch, int64_t target) {
  const driftd::bench::TargetScope scope(target);
  RunBatch(state, batch, driftd::SumsKernel::kSimd);
}

// Batch/... and MeasuresAndGTest/...: the scalar reference, then every target.
void register_batch_benchmarks() {
  const std::pair<std::string, BatchFunction> batches[] = {
      {"Batch", driftd::compare_counts_batch},
      {"MeasuresAndGTest", driftd::measure_counts_batch},
  };
  for (const auto& [name, batch] : batches) {
    benchmark::RegisterBenchmark((name + "/scalar_reference").c_str(), RunBatch, batch,
                                 driftd::SumsKernel::kScalarReference)
        ->Unit(benchmark::kMicrosecond);
    for (const driftd::bench::BenchTarget& target : driftd::bench::bench_targets()) {
      benchmark::RegisterBenchmark((name + "/simd/" + target.name).c_str(), RunSimdBatch, batch,
                                   target.target)
          ->Unit(benchmark::kMicrosecond);
    }
  }
}

template <class Part>
void SampleSize(benchmark::State& state, Part part) {
  for (auto _ : state) {
    for (const driftd::FeatureCounts& feature : window().features) {
      double n = 0, m = 0;
      for (uint64_t c : feature.p) n += static_cast<double>(c);
      for (uint64_t c : feature.q) m += static_cast<double>(c);
      benchmark::DoNotOptimize(part(feature, n, m));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kFeatures));
}
BENCHMARK_CAPTURE(SampleSize, pooled_g_test,
                  [](const driftd::FeatureCounts& f, double n, double m) {
                    return driftd::calibrated_g_test(f.p, f.q, n, m).p_value;
                  })
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(SampleSize, rank_test,
                  [](const driftd::FeatureCounts& f, double n, double m) {
                    return driftd::rank_test(f.p, f.q, n, m).p_value;
                  })
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(SampleSize, null_expectation,
                  [](const driftd::FeatureCounts& f, double n, double m) {
                    return driftd::null_expectation(f.p, f.q, n, m, kAlpha).jsd;
                  })
    ->Unit(benchmark::kMicrosecond);

// The G statistics and degrees of freedom of the window, as the batch finds them.
std::vector<driftd::Significance> window_significance() {
  std::vector<driftd::CountComparison> out(kFeatures);
  driftd::compare_counts_batch(window().features, kAlpha, out);
  std::vector<driftd::Significance> significance;
  for (const driftd::CountComparison& comparison : out) significance.push_back(comparison.significance);
  return significance;
}

template <class PValue>
void PValues(benchmark::State& state, PValue p_value) {
  const std::vector<driftd::Significance> tests = window_significance();
  for (auto _ : state) {
    for (const driftd::Significance& test : tests) {
      benchmark::DoNotOptimize(p_value(test.g_statistic, test.dof));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kFeatures));
}

double boost_default_policy_p_value(double g_statistic, int dof) {
  return boost::math::cdf(
      boost::math::complement(boost::math::chi_squared_distribution<double>(dof), g_statistic));
}

BENCHMARK_CAPTURE(PValues, library_double_precision, driftd::g_test_p_value)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(PValues, boost_default_long_double, boost_default_policy_p_value)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  return driftd::bench::run_per_target_benchmarks(argc, argv, register_batch_benchmarks);
}
