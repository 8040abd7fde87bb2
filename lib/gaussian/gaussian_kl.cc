#include "gaussian/gaussian_kl.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "gaussian/factored_covariance.h"

namespace driftd {
namespace {

void check_parameters(GaussianView g, std::size_t d, std::string_view side) {
  const std::string name(side);
  if (g.covariance.size() != d * d) {
    throw InputError(name + " covariance has " + std::to_string(g.covariance.size()) +
                     " entries; " + std::to_string(d) + " features need " +
                     std::to_string(d * d));
  }
  for (const double v : g.mean) {
    if (!std::isfinite(v)) throw InputError(name + " mean contains a non-finite value");
  }
}

FactoredCovariance factor_or_throw(const Eigen::MatrixXd& covariance, std::string_view side) {
  FactoredCovariance factored = factor_covariance(covariance, side);
  if (!factored.problem.empty()) throw InputError(factored.problem);
  return factored;
}

void require_covariance_samples(std::uint64_t count, std::size_t d, std::string_view side) {
  if (const auto problem = too_few_samples(count, d, side)) throw InputError(*problem);
}

template <std::size_t Dim>
GaussianKl gaussian_kl_of_moments(const BasicMomentAccumulator<Dim>& current,
                                  const BasicMomentAccumulator<Dim>& reference, double ridge) {
  check_same_dimension(current.dimension(), reference.dimension());
  require_covariance_samples(current.count(), current.dimension(), "current");
  require_covariance_samples(reference.count(), reference.dimension(), "reference");
  // The KL sees the means only through mu_q - mu_p, so N(0, S_p) against
  // N(mu_q - mu_p, S_q) has the same value; mean_difference() keeps that
  // difference as precise at an offset of 1e12 as at 0.
  const auto mean_shift = current.mean_difference(reference);
  auto origin = mean_shift;
  std::ranges::fill(origin, 0.0);
  const auto current_covariance = current.covariance();
  const auto reference_covariance = reference.covariance();
  return gaussian_kl(GaussianView{origin, current_covariance},
                     GaussianView{mean_shift, reference_covariance}, ridge);
}

}  // namespace

GaussianKl gaussian_kl(GaussianView current, GaussianView reference, double ridge) {
  check_same_dimension(current.mean.size(), reference.mean.size());
  check_ridge(ridge);
  const std::size_t d = current.mean.size();
  if (d == 0) throw InputError("current and reference have no features");
  check_parameters(current, d, "current");
  check_parameters(reference, d, "reference");
  const auto n = static_cast<Eigen::Index>(d);
  Eigen::MatrixXd covariance_q = square_matrix(reference.covariance, d);
  const Eigen::VectorXd ridge_diagonal = ridge * covariance_q.diagonal();
  covariance_q.diagonal() += ridge_diagonal;
  Eigen::MatrixXd covariance_p = square_matrix(current.covariance, d);
  covariance_p.diagonal() += ridge_diagonal;
  // The reference first: a non-finite reference variance reaches S_p
  // through the ridge, and the problem is the reference's.
  const FactoredCovariance q = factor_or_throw(covariance_q, "reference");
  const FactoredCovariance p = factor_or_throw(covariance_p, "current");

  // Work in the reference's standardized coordinates (x -> V_q^-1 x), where
  // S_q becomes its correlation matrix R_q; KL is invariant under the map.
  const Eigen::Map<const Eigen::VectorXd> mean_p(current.mean.data(), n);
  const Eigen::Map<const Eigen::VectorXd> mean_q(reference.mean.data(), n);
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

GaussianKl gaussian_kl(const MomentAccumulator& current, const MomentAccumulator& reference,
                       double ridge) {
  return gaussian_kl_of_moments(current, reference, ridge);
}

GaussianKl gaussian_kl(const UnivariateMoments& current, const UnivariateMoments& reference,
                       double ridge) {
  return gaussian_kl_of_moments(current, reference, ridge);
}

}  // namespace driftd
