#include "divergence/divergence.h"

#include <algorithm>
#include <string>

#include "common/error.h"
#include "common/simd_target.h"
#include "divergence/bin_sums.h"
#include "divergence/calibrated_g_test.h"
#include "divergence/divergence_kernels.h"
#include "divergence/divergence_reference.h"
#include "divergence/null_expectation.h"
#include "divergence/rank_test.h"
#include "divergence/validation.h"

namespace driftd {
namespace {

// n + K alpha, the denominator of additive smoothing.
double smoothing_denominator(uint64_t total, std::size_t bins, double alpha) {
  return static_cast<double>(total) + static_cast<double>(bins) * alpha;
}

SumsKernel default_kernel() {
  return simd_forced_scalar() ? SumsKernel::kScalarReference : SumsKernel::kSimd;
}

// The measures and the plain G-test of validated counts (measure_counts_batch()).
CountComparison measure_checked_counts(std::span<const uint64_t> p, std::span<const uint64_t> q,
                                       const CountTotals& totals, double alpha,
                                       SumsKernel kernel) {
  const Normalisation smoothing{alpha, smoothing_denominator(totals.n, p.size(), alpha),
                                smoothing_denominator(totals.m, p.size(), alpha)};
  const double n = static_cast<double>(totals.n);
  const double m = static_cast<double>(totals.m);
  const RawTotals raw{n, m};
  const BinSums sums = kernel == SumsKernel::kSimd ? simd_count_sums(p, q, smoothing, raw)
                                                   : reference_count_sums(p, q, smoothing, raw);

  CountComparison comparison{};
  comparison.measures = measures_from_bin_sums(sums);
  comparison.n_p = totals.n;
  comparison.n_q = totals.m;
  Significance& significance = comparison.significance;
  significance.dof = static_cast<int>(totals.occupied_bins) - 1;
  // G >= 0 exactly (each column's two cells sum to >= 0); the guard drops a
  // rounding residue, and G is exactly 0 when one bin holds everything.
  significance.g_statistic = significance.dof == 0 ? 0.0 : std::max(0.0, 2 * sums.g_half);
  significance.p_value = g_test_p_value(significance.g_statistic, significance.dof);
  const double bias = significance.dof / 2.0 * (1 / n + 1 / m);
  significance.kl_pq_corrected = std::max(0.0, comparison.measures.kl_pq - bias);
  return comparison;
}

// compare_counts() after validation.
CountComparison compare_checked_counts(std::span<const uint64_t> p, std::span<const uint64_t> q,
                                       const CountTotals& totals, double alpha, BinOrder order,
                                       SumsKernel kernel) {
  CountComparison comparison = measure_checked_counts(p, q, totals, alpha, kernel);
  Significance& significance = comparison.significance;
  const double n = static_cast<double>(totals.n);
  const double m = static_cast<double>(totals.m);
  const CalibratedGTest calibrated = calibrated_g_test(p, q, n, m, significance.g_statistic);
  significance.dof_pooled = calibrated.dof;
  significance.p_value_rank = order == BinOrder::kOrdered ? rank_test(p, q, n, m).p_value : 1.0;
  significance.p_value_calibrated =
      order == BinOrder::kOrdered
          ? std::min(1.0, 2 * std::min(calibrated.p_value, significance.p_value_rank))
          : calibrated.p_value;
  const NullExpectation expected = null_expectation(p, q, n, m, alpha);
  significance.jsd_corrected = comparison.measures.jsd - expected.jsd;
  significance.psi_corrected = alpha > 0 ? comparison.measures.psi - expected.psi
                                         : comparison.measures.psi;
  return comparison;
}

// out[i] = compare(features[i], its validated totals), after the checks of
// compare_counts_batch().
template <class Compare>
void for_each_checked_feature(std::span<const FeatureCounts> features, double alpha,
                              std::span<CountComparison> out, const Compare& compare) {
  if (out.size() != features.size()) {
    throw InputError("out has " + std::to_string(out.size()) + " entries for " +
                     std::to_string(features.size()) + " features");
  }
  check_alpha(alpha);
  for (std::size_t i = 0; i < features.size(); ++i) {
    const FeatureCounts& feature = features[i];
    CountTotals totals;
    try {
      totals = check_counts(feature.p, feature.q);
    } catch (const InputError& error) {
      throw InputError("feature " + std::to_string(i) + ": " + error.what());
    }
    out[i] = compare(feature, totals);
  }
}

}  // namespace

DivergenceMeasures measures_from_probabilities(std::span<const double> p,
                                               std::span<const double> q) {
  const ProbabilityTotals totals = check_probabilities(p, q);
  const Normalisation renormalisation{0.0, totals.p, totals.q};
  return measures_from_bin_sums(default_kernel() == SumsKernel::kSimd
                                    ? simd_probability_sums(p, q, renormalisation)
                                    : reference_probability_sums(p, q, renormalisation));
}

double kl_divergence(std::span<const double> p, std::span<const double> q) {
  const ProbabilityTotals totals = check_probabilities(p, q);
  double kl = 0;
  for (std::size_t k = 0; k < p.size(); ++k) kl += kl_term(p[k] / totals.p, q[k] / totals.q);
  return kl;
}

std::vector<double> smoothed_probabilities(std::span<const uint64_t> counts, double alpha) {
  check_alpha(alpha);
  const double denominator = smoothing_denominator(check_count_vector(counts), counts.size(), alpha);
  std::vector<double> probabilities(counts.size());
  for (std::size_t k = 0; k < counts.size(); ++k) {
    probabilities[k] = (static_cast<double>(counts[k]) + alpha) / denominator;
  }
  return probabilities;
}

CountComparison compare_counts(std::span<const uint64_t> p_counts,
                               std::span<const uint64_t> q_counts, double alpha, BinOrder order) {
  check_alpha(alpha);
  return compare_checked_counts(p_counts, q_counts, check_counts(p_counts, q_counts), alpha, order,
                                default_kernel());
}

void compare_counts_batch(std::span<const FeatureCounts> features, double alpha,
                          std::span<CountComparison> out) {
  compare_counts_batch(features, alpha, out, default_kernel());
}

void compare_counts_batch(std::span<const FeatureCounts> features, double alpha,
                          std::span<CountComparison> out, SumsKernel kernel) {
  for_each_checked_feature(features, alpha, out, [&](const FeatureCounts& feature,
                                                     const CountTotals& totals) {
    return compare_checked_counts(feature.p, feature.q, totals, alpha, feature.order, kernel);
  });
}

void measure_counts_batch(std::span<const FeatureCounts> features, double alpha,
                          std::span<CountComparison> out, SumsKernel kernel) {
  for_each_checked_feature(features, alpha, out, [&](const FeatureCounts& feature,
                                                     const CountTotals& totals) {
    return measure_checked_counts(feature.p, feature.q, totals, alpha, kernel);
  });
}

}  // namespace driftd
