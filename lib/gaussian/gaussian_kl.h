// Kullback-Leibler divergence between two multivariate normal distributions,
// the "Gaussian KL" of docs (guide/metrics.md, "Continuous and joint views").
//
// For the current window P = N(mu_p, S_p) and the reference Q = N(mu_q, S_q)
// over the same d features:
//   D_KL(P || Q) = 1/2 [ tr(S_q^-1 S_p) + (mu_q - mu_p)^T S_q^-1 (mu_q - mu_p)
//                        - d + ln(det S_q / det S_p) ]
// in nats, reported with its three parts (GaussianKl below).
//
// Guarantees:
// - The result is finite, or an InputError is thrown; never NaN, never a
//   silent infinity.
// - Computed in the reference's standardized coordinates with an LDLT
//   (Cholesky) factorization; log-determinants come from the factor's
//   diagonal. The value is invariant under any invertible affine map applied
//   to both sides, so feature units do not matter.
// - total >= 0 up to rounding: for P = Q the parts are zero within about
//   d * 1e-15.
//
// Ridge (optional; 0, the default, changes nothing): ridge x each feature's
// REFERENCE variance is added to the diagonal of both covariances,
//   S_p + ridge diag(S_q)  and  S_q + ridge diag(S_q),
// before anything else. It is an opt-in regularisation for a covariance that
// is singular or nearly so (a feature that is the sum of others, one
// quantity in two units): the value is then the KL between the regularised
// normals, no longer between the fitted ones (every part tends to 0 as ridge
// grows). Scaled by the reference's own variances, the same ridge means the
// same in any units: the value stays invariant under shifting and scaling
// each feature, though no longer under maps that mix features. A feature
// with zero variance in the reference gets nothing added and stays singular.
//
// Errors (InputError; the message names the side, "current" or "reference",
// and features by their 0-based position in the mean vector):
// - empty or mismatched dimensions, covariance of the wrong size;
// - a ridge that is negative or not finite;
// - non-finite numbers, a covariance that is not symmetric;
// - too few samples for an accumulator to have a covariance: 2 for one
//   feature, d + 1 for a group of d;
// - a singular covariance: a feature with zero variance, or a feature that is
//   a linear combination of the others. "Singular" uses a relative
//   tolerance of kCovarianceTolerance: a feature whose variance left
//   unexplained by the other features is at most that fraction of its own
//   variance counts as dependent;
// - a covariance that is not positive definite (negative variance, or
//   correlations that no distribution can have).
//
// Thread safety: pure functions; safe to call concurrently.
#pragma once

#include <span>

#include "gaussian/moments.h"

namespace driftd {

inline constexpr double kCovarianceTolerance = 1e-10;

struct GaussianKl {
  double total;     // location + shape + scale = D_KL(P || Q)
  double location;  // 1/2 (mu_q - mu_p)^T S_q^-1 (mu_q - mu_p): the mean moved
  double shape;     // 1/2 (tr(S_q^-1 S_p) - d): spreads or correlations changed
  double scale;     // 1/2 ln(det S_q / det S_p): overall volume changed
};

// A normal distribution given by its parameters. Borrowed, not owned.
struct GaussianView {
  std::span<const double> mean;        // d values
  std::span<const double> covariance;  // d x d, row-major
};

// D_KL(current || reference).
GaussianKl gaussian_kl(GaussianView current, GaussianView reference, double ridge = 0.0);

// D_KL between the normals fitted to two accumulators: their means and
// sample covariances (ddof = 1).
GaussianKl gaussian_kl(const MomentAccumulator& current, const MomentAccumulator& reference,
                       double ridge = 0.0);
GaussianKl gaussian_kl(const UnivariateMoments& current, const UnivariateMoments& reference,
                       double ridge = 0.0);

}  // namespace driftd
