// One window of a typical deployment: 1,000 features x 64 bins of random
// counts, every measure plus the G-test and its p-value per feature.
//
//   build/bin/divergence_bench
//
// Batch/simd and Batch/scalar_reference are the whole evaluation with either
// kernel; SampleSize is its sample-size-aware part alone (the pooled G-test,
// the rank test and the null expectation behind jsd_corrected and
// psi_corrected), to show what it costs; PValues is the chi-square survival
// alone for the same 1,000 features, once with the policy the library uses
// (double precision) and once with Boost's default (promotes to long double),
// which shows why the library does not use the default.
#include <benchmark/benchmark.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "divergence/calibrated_g_test.h"
#include "divergence/divergence.h"
#include "divergence/null_expectation.h"
#include "divergence/rank_test.h"

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

BENCHMARK_MAIN();
