#include "gaussian/factored_covariance.h"

#include <cmath>
#include <utility>

#include "common/error.h"
#include "gaussian/gaussian_kl.h"

namespace driftd {
namespace {

std::string feature(Eigen::Index index) { return "feature " + std::to_string(index); }

FactoredCovariance unusable(std::string problem) {
  FactoredCovariance result;
  result.problem = std::move(problem);
  return result;
}

}  // namespace

Eigen::MatrixXd square_matrix(std::span<const double> row_major, std::size_t d) {
  using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const auto n = static_cast<Eigen::Index>(d);
  return Eigen::Map<const RowMajorMatrix>(row_major.data(), n, n);
}

FactoredCovariance factor_covariance(const Eigen::MatrixXd& covariance, std::string_view side) {
  const std::string problem = std::string(side) + " covariance is ";
  if (!covariance.allFinite()) {
    return unusable(std::string(side) + " covariance contains a non-finite value");
  }
  const Eigen::Index n = covariance.rows();
  for (Eigen::Index i = 0; i < n; ++i) {
    if (covariance(i, i) == 0.0) {
      return unusable(problem + "singular: " + feature(i) + " has zero variance");
    }
    if (covariance(i, i) < 0.0) {
      return unusable(problem + "not positive definite: " + feature(i) + " has negative variance");
    }
  }
  const Eigen::VectorXd inverse_stddev = covariance.diagonal().cwiseSqrt().cwiseInverse();
  Eigen::MatrixXd correlation =
      inverse_stddev.asDiagonal() * covariance * inverse_stddev.asDiagonal();
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      if (std::abs(correlation(i, j) - correlation(j, i)) > kCovarianceTolerance) {
        return unusable(problem + "not symmetric: entries (" + std::to_string(i) + ", " +
                        std::to_string(j) + ") and (" + std::to_string(j) + ", " +
                        std::to_string(i) + ") differ");
      }
    }
  }
  correlation.diagonal().setOnes();

  Eigen::LDLT<Eigen::MatrixXd> ldlt(correlation);
  const Eigen::VectorXd pivots = ldlt.vectorD();
  if (pivots.minCoeff() < -kCovarianceTolerance) return unusable(problem + "not positive definite");
  // P R P^T = L D L^T, where P moves feature i to position order.indices()(i).
  const Eigen::PermutationMatrix<Eigen::Dynamic> order(ldlt.transpositionsP());
  for (Eigen::Index i = 0; i < n; ++i) {
    if (pivots(order.indices()(i)) <= kCovarianceTolerance) {
      return unusable(problem + "singular: " + feature(i) +
                      " is a linear combination of the others");
    }
  }
  FactoredCovariance result;
  result.inverse_stddev = inverse_stddev;
  result.log_det = covariance.diagonal().array().log().sum() + pivots.array().log().sum();
  result.correlation = std::move(ldlt);
  return result;
}

void check_same_dimension(std::size_t current, std::size_t reference) {
  if (current != reference) {
    throw InputError("current and reference have different dimensions (" +
                     std::to_string(current) + " vs " + std::to_string(reference) + ")");
  }
}

void check_ridge(double ridge) {
  if (!(std::isfinite(ridge) && ridge >= 0.0)) {
    throw InputError("ridge must be a finite number >= 0");
  }
}

std::optional<std::string> too_few_samples(std::uint64_t count, std::size_t d,
                                           std::string_view side) {
  const std::uint64_t needed = d + 1;
  if (count >= needed) return std::nullopt;
  return std::string(side) + " has too few samples for a " + std::to_string(d) +
         "-feature covariance (" + std::to_string(count) + ", need at least " +
         std::to_string(needed) + ")";
}

}  // namespace driftd
