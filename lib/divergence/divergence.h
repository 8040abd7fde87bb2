// Divergence between two binned distributions: every measure of
// docs/metrics.md from probabilities or from counts, and for counts the
// G-test that says whether the difference is more than sampling noise.
//
// P is the current window, Q the reference; p[k] and q[k] describe the same
// bin. All measures come from one pass over the bins, with SIMD kernels
// chosen at run time (divergence_kernels.h), or the scalar reference when
// DRIFTD_SIMD=scalar (common/simd_target.h).
//
// Promises: values in nats; +inf kept where the definition gives it (p > 0
// = q without smoothing), never NaN for valid input; agreement with scipy to
// 1e-10 relative or 1e-15 absolute (tests/fixtures/divergence_oracle.json;
// 4e-13 relative observed). Invalid input throws driftd::InputError naming
// the argument or element. Apart from that error path and returned vectors,
// nothing here allocates.
//
// Thread safety: pure functions of their arguments; any number of threads may
// call them at once.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "divergence/measures.h"

namespace driftd {

// Measures between two probability vectors, renormalised to sum to exactly 1
// (p_k / sum p) and not smoothed.
// REQUIRES (else InputError): p.size() == q.size() > 0; every value finite and
// >= 0; each side sums to 1 within 1e-6.
DivergenceMeasures measures_from_probabilities(std::span<const double> p,
                                               std::span<const double> q);

// D_KL(P||Q) = sum p ln(p/q) of the renormalised vectors, a plain scalar sum:
// 0 where p = 0, +inf if some p > 0 = q.
// REQUIRES (else InputError): as measures_from_probabilities().
double kl_divergence(std::span<const double> p, std::span<const double> q);

// The additively smoothed distribution of one count vector,
// p_k = (c_k + alpha) / (n + K alpha): the probabilities compare_counts()
// measures, e.g. for kl_contributions().
// REQUIRES (else InputError): counts non-empty, not all zero, summing to at
// most 2^64 - 1; alpha finite and >= 0.
std::vector<double> smoothed_probabilities(std::span<const uint64_t> counts, double alpha);

// Whether the bins have an order the rank test may use: numeric bins by
// value do, categories do not.
enum class BinOrder { kUnordered, kOrdered };

struct CountComparison {
  DivergenceMeasures measures;  // from the smoothed probabilities
  Significance significance;    // from the raw counts
  uint64_t n_p;                 // sum of the P (current) counts
  uint64_t n_q;                 // sum of the Q (reference) counts
};

// Compares P counts (current window) with Q counts (reference).
// measures: from additively smoothed p_k = (c_k + alpha) / (n + K alpha), same
//   for Q; alpha = 0 gives the honest +inf when a bin is empty on one side.
// significance: G-test on the raw counts over the K' bins with a non-zero
//   column total, dof = K' - 1, p_value its chi-square survival (1 when
//   K' = 1), kl_pq_corrected = max(0, kl_pq - (K'-1)/2 (1/n + 1/m)); the
//   pooled G-test (calibrated_g_test.h), with ordered bins the rank test
//   (rank_test.h), and jsd / psi minus their null expectation
//   (null_expectation.h).
// REQUIRES (else InputError): p_counts.size() == q_counts.size() > 0; neither
// side all zero nor summing past 2^64 - 1; alpha finite and >= 0.
CountComparison compare_counts(std::span<const uint64_t> p_counts,
                               std::span<const uint64_t> q_counts, double alpha,
                               BinOrder order = BinOrder::kUnordered);

// The two count vectors of one feature; features may differ in bin count.
struct FeatureCounts {
  std::span<const uint64_t> p;  // current window
  std::span<const uint64_t> q;  // reference
  BinOrder order = BinOrder::kUnordered;
};

// out[i] = compare_counts(features[i].p, features[i].q, alpha, features[i].order), for the
// thousands of features of one window; allocates nothing.
// REQUIRES (else InputError): out.size() == features.size(); each feature as
// compare_counts() (the message is prefixed "feature i: "). On error, the
// contents of out are unspecified.
void compare_counts_batch(std::span<const FeatureCounts> features, double alpha,
                          std::span<CountComparison> out);

// Which implementation computes the per-bin sums.
enum class SumsKernel {
  kSimd,             // Highway, best target of this CPU
  kScalarReference,  // std::log and plain loops
};

// compare_counts_batch() with an explicit kernel, so that benchmarks and tests
// can run both in one process. The overload above uses kScalarReference
// exactly when DRIFTD_SIMD=scalar.
void compare_counts_batch(std::span<const FeatureCounts> features, double alpha,
                          std::span<CountComparison> out, SumsKernel kernel);

// The part of compare_counts_batch() that one pass of the SIMD kernels
// computes: measures, n_p, n_q and, of significance, g_statistic, dof,
// p_value and kl_pq_corrected, equal to compare_counts_batch()'s; the other
// members of significance (the sample-size-aware ones) are 0. For
// benchmarks, which time the two parts apart (bench/divergence_bench.cc).
// REQUIRES (else InputError): as compare_counts_batch().
void measure_counts_batch(std::span<const FeatureCounts> features, double alpha,
                          std::span<CountComparison> out, SumsKernel kernel);

}  // namespace driftd
