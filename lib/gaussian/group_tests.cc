#include "gaussian/group_tests.h"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "gaussian/factored_covariance.h"

namespace driftd {
namespace {

template <class Value>
GroupResult<Value> too_few_rows(std::string reason) {
  return GroupResult<Value>{std::nullopt, GroupProblem::kTooFewRows, std::move(reason)};
}

template <class Value>
GroupResult<Value> singular(const FactoredCovariance& covariance) {
  return GroupResult<Value>{std::nullopt, GroupProblem::kSingularCovariance, covariance.problem};
}

template <class Value>
GroupResult<Value> found(Value value) {
  return GroupResult<Value>{std::move(value), GroupProblem::kNone, {}};
}

void check_arguments(const MomentAccumulator& current, const MomentAccumulator& reference,
                     double ridge) {
  check_same_dimension(current.dimension(), reference.dimension());
  check_ridge(ridge);
}

std::string no_rows(std::string_view side) { return std::string(side) + " has no rows"; }

double as_double(std::uint64_t count) { return static_cast<double>(count); }

Eigen::MatrixXd comoment(const MomentAccumulator& moments) {
  return square_matrix(moments.comoment(), moments.dimension());
}

// mu_q - mu_p, with the offsets cancelled first.
Eigen::VectorXd mean_shift(const MomentAccumulator& current, const MomentAccumulator& reference) {
  const std::vector<double> shift = current.mean_difference(reference);
  return Eigen::Map<const Eigen::VectorXd>(shift.data(), static_cast<Eigen::Index>(shift.size()));
}

// What the ridge adds to the diagonal of every covariance: ridge x each
// feature's reference variance.
// REQUIRES: ridge == 0 or reference.count() >= 2.
Eigen::VectorXd ridge_diagonal(const MomentAccumulator& reference, double ridge) {
  if (ridge == 0.0) return Eigen::VectorXd::Zero(static_cast<Eigen::Index>(reference.dimension()));
  const Eigen::VectorXd variance =
      comoment(reference).diagonal() / (as_double(reference.count()) - 1.0);
  return ridge * variance;
}

// comoment / dof, the ridge on its diagonal.
Eigen::MatrixXd covariance(const Eigen::MatrixXd& comoment, double dof,
                           const Eigen::VectorXd& ridge) {
  Eigen::MatrixXd result = comoment / dof;
  result.diagonal() += ridge;
  return result;
}

}  // namespace

GroupResult<HotellingT2> hotelling_t2(const MomentAccumulator& current,
                                      const MomentAccumulator& reference, double ridge) {
  check_arguments(current, reference, ridge);
  const std::size_t d = current.dimension();
  const std::uint64_t n = current.count();
  const std::uint64_t m = reference.count();
  if (n == 0) return too_few_rows<HotellingT2>(no_rows("current"));
  if (m == 0) return too_few_rows<HotellingT2>(no_rows("reference"));
  if (n + m < d + 2) {
    return too_few_rows<HotellingT2>(
        "current and reference have too few rows for Hotelling's T^2 of " + std::to_string(d) +
        " features (" + std::to_string(n + m) + ", need at least " + std::to_string(d + 2) + ")");
  }
  if (ridge > 0.0 && m < 2) {
    return too_few_rows<HotellingT2>("reference has too few rows for a ridge (" +
                                     std::to_string(m) + ", need at least 2)");
  }
  const double rows = as_double(n + m);
  const FactoredCovariance pooled =
      factor_covariance(covariance(comoment(current) + comoment(reference), rows - 2.0,
                                   ridge_diagonal(reference, ridge)),
                        "pooled");
  if (!pooled.problem.empty()) return singular<HotellingT2>(pooled);

  // delta^T S^-1 delta in S's standardized coordinates (x -> V^-1 x, where S
  // becomes its correlation matrix R): z^T R^-1 z with z = V^-1 delta.
  const Eigen::VectorXd z = pooled.inverse_stddev.cwiseProduct(mean_shift(current, reference));
  HotellingT2 test{};
  test.t2 = as_double(n) * as_double(m) / rows * z.dot(pooled.correlation.solve(z));
  test.dof1 = static_cast<double>(d);
  test.dof2 = rows - test.dof1 - 1.0;
  test.f = test.dof2 / (test.dof1 * (rows - 2.0)) * test.t2;
  const boost::math::fisher_f_distribution<double> f(test.dof1, test.dof2);
  test.p_value = boost::math::cdf(boost::math::complement(f, test.f));
  return found(test);
}

GroupResult<BoxM> box_m(const MomentAccumulator& current, const MomentAccumulator& reference,
                        double ridge) {
  check_arguments(current, reference, ridge);
  const std::size_t d = current.dimension();
  if (const auto problem = too_few_samples(current.count(), d, "current")) {
    return too_few_rows<BoxM>(*problem);
  }
  if (const auto problem = too_few_samples(reference.count(), d, "reference")) {
    return too_few_rows<BoxM>(*problem);
  }
  const double current_dof = as_double(current.count()) - 1.0;
  const double reference_dof = as_double(reference.count()) - 1.0;
  const double pooled_dof = current_dof + reference_dof;
  const Eigen::VectorXd ridge_part = ridge_diagonal(reference, ridge);
  const Eigen::MatrixXd current_comoment = comoment(current);
  const Eigen::MatrixXd reference_comoment = comoment(reference);
  // In gaussian_kl's order: the reference, then the current window.
  const FactoredCovariance q =
      factor_covariance(covariance(reference_comoment, reference_dof, ridge_part), "reference");
  if (!q.problem.empty()) return singular<BoxM>(q);
  const FactoredCovariance p =
      factor_covariance(covariance(current_comoment, current_dof, ridge_part), "current");
  if (!p.problem.empty()) return singular<BoxM>(p);
  const FactoredCovariance s = factor_covariance(
      covariance(current_comoment + reference_comoment, pooled_dof, ridge_part), "pooled");
  if (!s.problem.empty()) return singular<BoxM>(s);

  const double features = static_cast<double>(d);
  BoxM test{};
  // M >= 0 exactly (ln det is concave); with equal covariances rounding can
  // leave it a few ulps below.
  test.uncorrected = std::max(
      0.0, current_dof * (s.log_det - p.log_det) + reference_dof * (s.log_det - q.log_det));
  const double c = (2.0 * features * features + 3.0 * features - 1.0) / (6.0 * (features + 1.0)) *
                   (1.0 / current_dof + 1.0 / reference_dof - 1.0 / pooled_dof);
  test.statistic = test.uncorrected * (1.0 - c);
  test.dof = features * (features + 1.0) / 2.0;
  const boost::math::chi_squared_distribution<double> chi_squared(test.dof);
  test.p_value = boost::math::cdf(boost::math::complement(chi_squared, test.statistic));
  return found(test);
}

GroupResult<std::vector<double>> location_contributions(const MomentAccumulator& current,
                                                        const MomentAccumulator& reference,
                                                        double ridge) {
  check_arguments(current, reference, ridge);
  const std::size_t d = current.dimension();
  if (current.count() == 0) return too_few_rows<std::vector<double>>(no_rows("current"));
  if (const auto problem = too_few_samples(reference.count(), d, "reference")) {
    return too_few_rows<std::vector<double>>(*problem);
  }
  const FactoredCovariance q =
      factor_covariance(covariance(comoment(reference), as_double(reference.count()) - 1.0,
                                   ridge_diagonal(reference, ridge)),
                        "reference");
  if (!q.problem.empty()) return singular<std::vector<double>>(q);

  // In the reference's standardized coordinates, as gaussian_kl computes the
  // location part: z = V_q^-1 delta, c_i = 1/2 z_i (R_q^-1 z)_i.
  const Eigen::VectorXd z = q.inverse_stddev.cwiseProduct(mean_shift(current, reference));
  const Eigen::VectorXd weighted = q.correlation.solve(z);
  std::vector<double> contributions(d);
  for (std::size_t i = 0; i < d; ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    contributions[i] = 0.5 * z(k) * weighted(k);
  }
  return found(std::move(contributions));
}

}  // namespace driftd
