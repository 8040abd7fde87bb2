// One window of a typical deployment: 1,000 features x 64 bins of random
// counts, every measure plus the G-test and its p-value per feature.
//
//   build/bin/divergence_bench
//
// Batch/simd and Batch/scalar_reference are the whole evaluation with either
// kernel (goal: under 1 ms per window); PValues is the chi-square survival
// alone for the same 1,000 features, once with the policy the library uses
// (double precision) and once with Boost's default (promotes to long double),
// which shows why the library does not use the default.
#include <benchmark/benchmark.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "divergence/divergence.h"

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

void Batch(benchmark::State& state, driftd::SumsKernel kernel) {
  std::vector<driftd::CountComparison> out(kFeatures);
  for (auto _ : state) {
    driftd::compare_counts_batch(window().features, kAlpha, out, kernel);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kFeatures));
}
BENCHMARK_CAPTURE(Batch, simd, driftd::SumsKernel::kSimd)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(Batch, scalar_reference, driftd::SumsKernel::kScalarReference)
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

BENCHMARK_MAIN();
