// A covariance matrix made ready for the Gaussian formulas of this library
// (gaussian_kl.h, group_tests.h): the checks they share and the
// factorization they compute with, so that all of them call the same
// matrices singular and word their problems alike.
//
// A d x d covariance S is checked and factored in its standardized
// coordinates: S = V R V with V = diag(stddev) and R the correlation matrix,
// factored as P R P^T = L D L^T (Eigen's LDLT, pivoted). Pivot k of D is the
// fraction of the k-th pivoted feature's variance left unexplained by the
// features pivoted before it: 1 for an uncorrelated feature, 0 for a linear
// combination of the others. Judging R rather than S makes every check
// relative to each feature's own scale, so features in units 1e12 apart are
// judged alike (the rule: gaussian_kl.h, kCovarianceTolerance).
//
// Problems come back as text naming the side ("current", "reference",
// "pooled") and features by their 0-based position, e.g. "reference
// covariance is singular: feature 2 has zero variance". gaussian_kl throws
// them as InputError; the group tests report them in their result.
//
// Internal to driftd_gaussian: it speaks Eigen, which the public headers
// keep private.
//
// Thread safety: pure functions.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace driftd {

struct FactoredCovariance {
  // Empty when S is usable. Otherwise why it is not; the members below are
  // then unset.
  std::string problem;
  Eigen::VectorXd inverse_stddev;            // diagonal of V^-1
  Eigen::LDLT<Eigen::MatrixXd> correlation;  // of R
  double log_det = 0.0;                      // ln det S = ln det V^2 + ln det R
};

// The d x d matrix stored row-major in `row_major`.
// REQUIRES: row_major.size() == d * d.
Eigen::MatrixXd square_matrix(std::span<const double> row_major, std::size_t d);

// Checks S, in this order: every entry finite; every variance positive;
// symmetric (entries of R within kCovarianceTolerance); positive
// semi-definite (no pivot below -kCovarianceTolerance); not singular (no
// pivot at or below kCovarianceTolerance); and factors it if all hold.
// `side` names S in the problem.
FactoredCovariance factor_covariance(const Eigen::MatrixXd& covariance, std::string_view side);

// Throws InputError when the two sides have different numbers of features.
void check_same_dimension(std::size_t current, std::size_t reference);

// Throws InputError unless ridge is finite and >= 0.
void check_ridge(double ridge);

// Why `count` rows are too few for a covariance of d features that can be
// non-singular (that takes d + 1), naming the side; nullopt when enough.
std::optional<std::string> too_few_samples(std::uint64_t count, std::size_t d,
                                           std::string_view side);

}  // namespace driftd
