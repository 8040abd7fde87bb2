#include "gaussian/gaussian_kl.h"

#include <Eigen/Dense>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "common/error.h"

namespace driftd {
namespace {

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// One side's covariance S, checked and factored in its standardized
// coordinates: S = V R V with V = diag(stddev) and R the correlation matrix.
struct FactoredCovariance {
  Eigen::VectorXd inverse_stddev;  // diagonal of V^-1
  Eigen::LDLT<Eigen::MatrixXd> correlation;
  double log_det;  // ln det S = ln det V^2 + ln det R
};

std::string feature(Eigen::Index index) { return "feature " + std::to_string(index); }

void check_same_dimension(std::size_t current, std::size_t reference) {
  if (current != reference) {
    throw InputError("current and reference have different dimensions (" +
                     std::to_string(current) + " vs " + std::to_string(reference) + ")");
  }
}

void check_finite(std::span<const double> values, std::string_view what) {
  for (const double v : values) {
    if (!std::isfinite(v)) throw InputError(std::string(what) + " contains a non-finite value");
  }
}

void check_parameters(GaussianView g, std::size_t d, std::string_view side) {
  const std::string name(side);
  if (g.covariance.size() != d * d) {
    throw InputError(name + " covariance has " + std::to_string(g.covariance.size()) +
                     " entries; " + std::to_string(d) + " features need " +
                     std::to_string(d * d));
  }
  check_finite(g.mean, name + " mean");
  check_finite(g.covariance, name + " covariance");
}

// REQUIRES: check_parameters() accepted the covariance.
FactoredCovariance factor_covariance(std::span<const double> values, std::size_t d,
                                     std::string_view side) {
  const std::string problem = std::string(side) + " covariance is ";
  const auto n = static_cast<Eigen::Index>(d);
  const Eigen::Map<const RowMajorMatrix> covariance(values.data(), n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (covariance(i, i) == 0.0) {
      throw InputError(problem + "singular: " + feature(i) + " has zero variance");
    }
    if (covariance(i, i) < 0.0) {
      throw InputError(problem + "not positive definite: " + feature(i) +
                       " has negative variance");
    }
  }
  const Eigen::VectorXd inverse_stddev = covariance.diagonal().cwiseSqrt().cwiseInverse();
  Eigen::MatrixXd correlation =
      inverse_stddev.asDiagonal() * covariance * inverse_stddev.asDiagonal();
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      if (std::abs(correlation(i, j) - correlation(j, i)) > kCovarianceTolerance) {
        throw InputError(problem + "not symmetric: entries (" + std::to_string(i) + ", " +
                         std::to_string(j) + ") and (" + std::to_string(j) + ", " +
                         std::to_string(i) + ") differ");
      }
    }
  }
  correlation.diagonal().setOnes();

  // Pivot k of the LDLT of a correlation matrix is the fraction of the k-th
  // pivoted feature's variance left unexplained by the features pivoted
  // before it: 1 for an uncorrelated feature, 0 for a linear combination.
  Eigen::LDLT<Eigen::MatrixXd> ldlt(correlation);
  const Eigen::VectorXd pivots = ldlt.vectorD();
  if (pivots.minCoeff() < -kCovarianceTolerance) {
    throw InputError(problem + "not positive definite");
  }
  // P R P^T = L D L^T, where P moves feature i to position order.indices()(i).
  const Eigen::PermutationMatrix<Eigen::Dynamic> order(ldlt.transpositionsP());
  for (Eigen::Index i = 0; i < n; ++i) {
    if (pivots(order.indices()(i)) <= kCovarianceTolerance) {
      throw InputError(problem + "singular: " + feature(i) +
                       " is a linear combination of the others");
    }
  }
  const double log_det = covariance.diagonal().array().log().sum() + pivots.array().log().sum();
  return FactoredCovariance{inverse_stddev, std::move(ldlt), log_det};
}

void require_covariance_samples(std::uint64_t count, std::size_t d, std::string_view side) {
  const std::uint64_t needed = d + 1;
  if (count < needed) {
    throw InputError(std::string(side) + " has too few samples for a " + std::to_string(d) +
                     "-feature covariance (" + std::to_string(count) + ", need at least " +
                     std::to_string(needed) + ")");
  }
}

template <std::size_t Dim>
GaussianKl gaussian_kl_of_moments(const BasicMomentAccumulator<Dim>& current,
                                  const BasicMomentAccumulator<Dim>& reference) {
  check_same_dimension(current.dimension(), reference.dimension());
  require_covariance_samples(current.count(), current.dimension(), "current");
  require_covariance_samples(reference.count(), reference.dimension(), "reference");
  const auto current_mean = current.mean();
  const auto current_covariance = current.covariance();
  const auto reference_mean = reference.mean();
  const auto reference_covariance = reference.covariance();
  return gaussian_kl(GaussianView{current_mean, current_covariance},
                     GaussianView{reference_mean, reference_covariance});
}

}  // namespace

GaussianKl gaussian_kl(GaussianView current, GaussianView reference) {
  check_same_dimension(current.mean.size(), reference.mean.size());
  const std::size_t d = current.mean.size();
  if (d == 0) throw InputError("current and reference have no features");
  check_parameters(current, d, "current");
  check_parameters(reference, d, "reference");
  const FactoredCovariance p = factor_covariance(current.covariance, d, "current");
  const FactoredCovariance q = factor_covariance(reference.covariance, d, "reference");

  // Work in the reference's standardized coordinates (x -> V_q^-1 x), where
  // S_q becomes its correlation matrix R_q; KL is invariant under the map.
  const auto n = static_cast<Eigen::Index>(d);
  const Eigen::Map<const Eigen::VectorXd> mean_p(current.mean.data(), n);
  const Eigen::Map<const Eigen::VectorXd> mean_q(reference.mean.data(), n);
  const Eigen::Map<const RowMajorMatrix> covariance_p(current.covariance.data(), n, n);
  const Eigen::VectorXd mean_shift = q.inverse_stddev.cwiseProduct(mean_q - mean_p);
  const Eigen::MatrixXd standardized_p =
      q.inverse_stddev.asDiagonal() * covariance_p * q.inverse_stddev.asDiagonal();

  GaussianKl kl{};
  kl.location = 0.5 * mean_shift.dot(q.correlation.solve(mean_shift));
  kl.shape = 0.5 * (q.correlation.solve(standardized_p).trace() - static_cast<double>(d));
  kl.scale = 0.5 * (q.log_det - p.log_det);
  kl.total = kl.location + kl.shape + kl.scale;
  return kl;
}

GaussianKl gaussian_kl(const MomentAccumulator& current, const MomentAccumulator& reference) {
  return gaussian_kl_of_moments(current, reference);
}

GaussianKl gaussian_kl(const UnivariateMoments& current, const UnivariateMoments& reference) {
  return gaussian_kl_of_moments(current, reference);
}

}  // namespace driftd
