// The chain-rule split of the KL divergence of a feature pair (X, Y):
//   D(P_XY || Q_XY) = D(P_X || Q_X) + sum_x P(x) D(P(Y|x) || Q(Y|x))
// (guide/metrics.md, "Continuous and joint views"). With Y a model output or
// label, the first term is covariate shift and the second the change in the
// relationship between X and Y (concept drift).
//
// Input: joint histograms of raw counts over shared bins, row-major
// x_bins x y_bins (cell (x, y) at index x * y_bins + y), for P = the current
// window and Q = the reference. Additive smoothing alpha is applied to the
// JOINT cells: p_xy = (c_xy + alpha) / (n + x_bins * y_bins * alpha). The
// marginal P(x) and the conditional P(Y|x) are derived from that smoothed
// joint, never smoothed on their own.
//
// Guarantees:
// - Natural logarithm, nats. joint, marginal, conditional and every entry of
//   conditional_by_x are >= 0.
// - joint = marginal + conditional to rounding (tests check 1e-12 relative),
//   and conditional is the sum of conditional_by_x.
// - With alpha = 0 the results are honestly +inf where the reference has no
//   mass and the current window has some: a cell (conditional_by_x[x] and
//   joint), or a whole row x (marginal too; Q(Y|x) does not exist then, and
//   conditional_by_x[x] is +inf as well). Never NaN.
// - A row x where the current window has no mass contributes 0.
//
// Errors (InputError): x_bins or y_bins zero (or their product overflowing),
// a histogram whose size is not x_bins * y_bins, a histogram whose counts are
// all zero, alpha negative or not finite.
//
// Thread safety: a pure function; safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace driftd {

struct ChainRuleSplit {
  double joint;                          // D(P_XY || Q_XY)
  double marginal;                       // D(P_X || Q_X): covariate shift
  double conditional;                    // sum_x P(x) D(P(Y|x) || Q(Y|x)): concept drift
  std::vector<double> conditional_by_x;  // P(x) D(P(Y|x) || Q(Y|x)), x_bins entries
};

// joint_p is the current window's histogram, joint_q the reference's.
ChainRuleSplit chain_rule_split(std::span<const std::uint64_t> joint_p,
                                std::span<const std::uint64_t> joint_q, std::size_t x_bins,
                                std::size_t y_bins, double alpha);

}  // namespace driftd
