// A group's evaluation from the recorder's fixed-point sums: the same
// Gaussian KL, contributions and tests as the library gives for the rows
// themselves (to the sums' resolution), the moved feature named, and the
// window's problems reported per result instead of thrown.
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "pipeline/group_evaluator.h"
#include "pipeline/group_moments.h"

namespace driftd {
namespace {

using Rows = std::vector<std::vector<double>>;  // by feature

Rows sample(std::size_t rows, double shift_of_second, unsigned seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal;
  Rows columns(3, std::vector<double>(rows));
  for (std::size_t r = 0; r < rows; ++r) {
    const double shared = normal(random);
    columns[0][r] = 1.7e12 + 1000.0 * (normal(random) + 0.5 * shared);  // timestamps
    columns[1][r] = 1e6 + shift_of_second + 10.0 * (normal(random) + 0.5 * shared);
    columns[2][r] = 3.0 + normal(random);
  }
  return columns;
}

MomentAccumulator accumulate(const Rows& columns) {
  MomentAccumulator out(columns.size());
  std::vector<double> row(columns.size());
  for (std::size_t r = 0; r < columns[0].size(); ++r) {
    for (std::size_t i = 0; i < columns.size(); ++i) row[i] = columns[i][r];
    out.add(row);
  }
  return out;
}

MomentAccumulator from_sums(const Rows& columns, std::span<const Standardisation> standards) {
  std::vector<std::span<const double>> spans(columns.begin(), columns.end());
  std::vector<uint64_t> sums(group_sum_words(columns.size()), 0);
  std::vector<double> scratch(group_scratch_size(columns.size()));
  add_group_moments(spans, standards, sums, scratch);
  return group_moments_from_sums(sums, standards);
}

TEST_CASE("A group evaluated from fixed-point sums agrees with its rows and names the moved feature") {
  const MomentAccumulator reference = accumulate(sample(5000, 0.0, 1));
  std::vector<Standardisation> standards;
  for (std::size_t i = 0; i < 3; ++i) {
    standards.push_back({reference.mean()[i], std::sqrt(reference.covariance()[i * 3 + i])});
  }
  const Rows window_rows = sample(1000, 3.0, 2);  // the second feature moved by 0.3 sd
  const GroupEvaluation e = evaluate_group(from_sums(window_rows, standards), reference, 0.0);
  const MomentAccumulator exact = accumulate(window_rows);
  const GaussianKl direct = gaussian_kl(exact, reference);
  REQUIRE(e.gaussian.value.has_value());
  CHECK(e.n == 1000);
  CHECK(e.gaussian.value->total == Approx(direct.total).epsilon(1e-4));
  CHECK(e.gaussian.value->location == Approx(direct.location).epsilon(1e-4));
  CHECK(e.gaussian.value->shape == Approx(direct.shape).epsilon(1e-3));
  REQUIRE(e.location_by_feature.value.has_value());
  const std::vector<double>& by_feature = *e.location_by_feature.value;
  CHECK(by_feature[0] + by_feature[1] + by_feature[2] ==
        Approx(e.gaussian.value->location).epsilon(1e-9));
  CHECK(by_feature[1] > by_feature[0]);
  CHECK(by_feature[1] > by_feature[2]);
  REQUIRE(e.t2.value.has_value());
  CHECK(e.t2.value->p_value < 1e-6);
  CHECK(e.t2.value->t2 == Approx(hotelling_t2(exact, reference).value->t2).epsilon(1e-4));
  REQUIRE(e.box_m.value.has_value());
  CHECK(e.box_m.value->p_value > 1e-3);  // the covariances did not change
}

TEST_CASE("A window with too few rows or a constant feature says so per result") {
  const MomentAccumulator reference = accumulate(sample(500, 0.0, 3));
  const GroupEvaluation few = evaluate_group(accumulate(sample(3, 0.0, 4)), reference, 0.0);
  CHECK(few.n == 3);
  CHECK_FALSE(few.gaussian.value.has_value());
  CHECK(few.gaussian.problem == GroupProblem::kTooFewRows);
  CHECK(few.gaussian.reason.find("current") != std::string::npos);
  CHECK(few.box_m.problem == GroupProblem::kTooFewRows);
  CHECK(few.t2.value.has_value());  // the pooled covariance needs no window covariance

  Rows constant = sample(200, 0.0, 5);
  for (double& value : constant[2]) value = 3.0;
  const GroupEvaluation singular = evaluate_group(accumulate(constant), reference, 0.0);
  CHECK(singular.gaussian.problem == GroupProblem::kSingularCovariance);
  CHECK(singular.gaussian.reason.find("current") != std::string::npos);
  CHECK(singular.box_m.problem == GroupProblem::kSingularCovariance);
  CHECK(singular.t2.value.has_value());
  // A ridge makes it comparable.
  CHECK(evaluate_group(accumulate(constant), reference, 0.01).gaussian.value.has_value());

  CHECK_THROWS_AS(evaluate_group(MomentAccumulator(2), reference, 0.0), InputError);
}

}  // namespace
}  // namespace driftd
