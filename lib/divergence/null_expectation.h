// The plug-in bias of jsd and psi: what they are expected to be when nothing
// drifted, given the window's and the reference's sample sizes, the bins and
// the smoothing. jsd_corrected = jsd - E0[jsd] and psi_corrected = psi -
// E0[psi] (docs/metrics.md, "Significance") then mean the same at every
// window size: about 0 under no drift, the drift's size when there is one.
//
// Under no drift both sides are drawn from one distribution pi, estimated by
// the pooled counts pi_k = (c_k + d_k) / (n + m) (its maximum-likelihood
// estimate). Both measures are sums over bins of a term of (p_k, q_k), so by
// linearity E0 is the sum over bins of E[term] with c_k ~ Binomial(n, pi_k)
// and d_k ~ Binomial(m, pi_k) independent, each smoothed as the measures are
// (p_k = (c_k + alpha) / (n + K alpha)). Each side of a bin is integrated
//   - exactly over the binomial's support (cut where the probability falls
//     below 1e-16 of the mode) when its standard deviation in counts is below
//     kExactBelowSd: sparse bins are where the plug-in bias is least regular;
//   - else by a fourth-order expansion of the term around the side's mean,
//     with the binomial's central moments 2 to 4 (and, when both sides are
//     large, the mixed fourth-order term; odd mixed moments vanish). When
//     both sides are below kExactBelowSd but the larger is at least
//     kPairExpandFromSd, that one is expanded, so a double sum over both
//     supports is only ever over two small ones (at most ~20 points each).
// Over the calibration grid of docs/detection.md the result is within 0.6% of
// the exact sum over every point of both supports (tests/divergence/
// make_oracle.py keeps that exact sum as "null_exact"). E0 is deterministic
// and cheap: a large side costs one evaluation, a small one at most ~40 points.
// Under no drift the mean of jsd_corrected is within 8.2% of 0 relative to
// the plug-in bias over the calibration grid (docs/detection.md).
//
// psi is +inf as soon as a bin is empty on one side without smoothing, so
// with alpha = 0 E0[psi] is +inf: psi is returned uncorrected then.
//
// Thread safety: a pure function; allocates nothing.
#pragma once

#include <cstdint>
#include <span>

namespace driftd {

inline constexpr double kExactBelowSd = 3.0;
inline constexpr double kPairExpandFromSd = 1.5;

struct NullExpectation {
  double jsd;
  double psi;  // +inf when alpha = 0
};

// REQUIRES: p.size() == q.size() > 0; n = sum of p > 0, m = sum of q > 0;
// alpha finite and >= 0 (the caller has validated them).
NullExpectation null_expectation(std::span<const uint64_t> p, std::span<const uint64_t> q,
                                 double n, double m, double alpha);

}  // namespace driftd
