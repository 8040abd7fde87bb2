// Significance and explanation for a group of numeric features: did the
// window's group move away from the reference's by more than sampling noise,
// in its means or in its covariances, and which features carry the moved
// mean (guide/metrics.md, "Significance" and "Continuous and joint views").
//
// The current window P has n rows and the reference Q has m rows of the
// same d features, given as MomentAccumulators: means mu_p, mu_q and sample
// covariances S_p, S_q (ddof = 1). N = n + m, and the pooled covariance is
//   S = ((n - 1) S_p + (m - 1) S_q) / (N - 2).
//
// hotelling_t2 - do the means differ? The two-sample Hotelling T^2 for equal
// means under a common covariance:
//   T2 = (n m / N) (mu_p - mu_q)^T S^-1 (mu_p - mu_q),
//   F = (N - d - 1) / (d (N - 2)) T2,
// F-distributed with (d, N - d - 1) degrees of freedom when the rows are
// normal with equal means and covariances; p_value is F's survival function.
// For d = 1, T2 is the square of the pooled two-sample t statistic.
//
// box_m - do the covariances differ? Box's M with its chi-square
// approximation:
//   M = (N - 2) ln det S - (n - 1) ln det S_p - (m - 1) ln det S_q >= 0,
//   c = (2 d^2 + 3 d - 1) / (6 (d + 1)) (1/(n - 1) + 1/(m - 1) - 1/(N - 2)),
//   statistic = M (1 - c), chi-square with d (d + 1) / 2 degrees of freedom;
// p_value is its survival function. Box's M also reacts to non-normal data
// (heavy tails look like changed covariances): a small p-value says "the
// second moments moved, or the data are not normal".
//
// location_contributions - which features moved the mean? gaussian_kl's
// location part 1/2 delta^T S_q^-1 delta, delta = mu_q - mu_p, split by
// feature:
//   c_i = 1/2 delta_i (S_q^-1 delta)_i,
// which sum to the location part up to rounding. A c_i can be NEGATIVE when
// features are correlated: if two positively correlated features both rise,
// one by less than the other's rise predicts, then given the other it fell,
// and its term is negative. Rank features by c_i; do not read c_i as a share
// of the whole. With uncorrelated features c_i = delta_i^2 / (2 var_q,i) >= 0.
//
// Results. Each test returns a GroupResult: its value, or why the data give
// none. What a window's data can make impossible is reported, not thrown,
// so that a stream records the reason for the window and carries on:
// - GroupProblem::kTooFewRows: fewer rows than the test needs (below);
// - GroupProblem::kSingularCovariance: a covariance the test inverts is
//   singular, by the rule of gaussian_kl.h (kCovarianceTolerance on the
//   variance each feature leaves unexplained by the others), or otherwise
//   unusable. The reason is worded as gaussian_kl's error for the same
//   matrix and names the covariance ("current", "reference" or "pooled")
//   and the feature by its 0-based position, e.g. "pooled covariance is
//   singular: feature 2 has zero variance".
// Every value returned is finite: never NaN, never infinite (a p-value too
// small for a double is 0). What a caller gets wrong whatever the data is
// thrown as InputError, as gaussian_kl does: accumulators of different
// dimensions, a ridge that is negative or not finite.
//
// Rows each test needs:
// - hotelling_t2: n >= 1, m >= 1 and N >= d + 2 (N - d - 1 >= 1 degrees of
//   freedom for F); with ridge > 0 also m >= 2, for a reference variance;
// - box_m: n >= d + 1 and m >= d + 1, the fewest for S_p and S_q to be
//   non-singular (messages as gaussian_kl's);
// - location_contributions: n >= 1 and m >= d + 1.
//
// Ridge (optional; 0, the default, changes nothing): as in gaussian_kl.h,
// ridge x each feature's REFERENCE variance (the diagonal of S_q) is added to
// the diagonal of every covariance a test uses: S_p, S_q and S (which is then
// the pooling of the regularised S_p and S_q). It lets a user opt into
// regularisation for a group with a dependent feature; the statistics are
// then those of the regularised covariances and their p-values
// approximations. It does not lower the rows a test needs, and a feature
// with zero variance in the reference gets nothing added.
//
// Numerics: each covariance is factored in its standardized coordinates
// (gaussian/factored_covariance.h), log-determinants come from the factor,
// never from det(). T2 and Box's M are invariant under any invertible affine
// map of the features (with ridge > 0: under shifting and scaling each
// feature). The means enter only through MomentAccumulator::mean_difference,
// so rows near 1.7e12 give the values that the same rows shifted to 0 give.
// p-values come from Boost.Math's F and chi-square distributions.
//
// Thread safety: pure functions; safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gaussian/moments.h"

namespace driftd {

// Why a group test has no value.
enum class GroupProblem {
  kNone,                // the value is there
  kTooFewRows,          // fewer rows than the test needs
  kSingularCovariance,  // a covariance it inverts is singular or unusable
};

// A group test's value, or why there is none: either value is set and
// problem is kNone, or value is empty and problem and reason say why.
template <class Value>
struct GroupResult {
  std::optional<Value> value;
  GroupProblem problem = GroupProblem::kNone;
  std::string reason;  // e.g. "pooled covariance is singular: feature 2 has zero variance"
};

struct HotellingT2 {
  double t2;       // (n m / N) (mu_p - mu_q)^T S^-1 (mu_p - mu_q) >= 0
  double f;        // (N - d - 1) / (d (N - 2)) t2
  double dof1;     // d
  double dof2;     // N - d - 1
  double p_value;  // survival function of F(dof1, dof2) at f, in [0, 1]
};

struct BoxM {
  double uncorrected;  // Box's M: (N - 2) ln det S - (n - 1) ln det S_p - (m - 1) ln det S_q
  double statistic;    // uncorrected (1 - c); c < 1 whenever n, m >= d + 1
  double dof;          // d (d + 1) / 2
  double p_value;      // survival function of chi-square(dof) at statistic, in [0, 1]
};

// Throws InputError when the dimensions differ or ridge is negative or not
// finite; every other problem is in the result.
GroupResult<HotellingT2> hotelling_t2(const MomentAccumulator& current,
                                      const MomentAccumulator& reference, double ridge = 0.0);
GroupResult<BoxM> box_m(const MomentAccumulator& current, const MomentAccumulator& reference,
                        double ridge = 0.0);
// d values c_i in feature order.
GroupResult<std::vector<double>> location_contributions(const MomentAccumulator& current,
                                                        const MomentAccumulator& reference,
                                                        double ridge = 0.0);

}  // namespace driftd
