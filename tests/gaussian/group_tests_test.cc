// Properties of the group tests (gaussian/group_tests.h): what holds for any
// data, the reporting of too few rows and singular covariances, the ridge,
// and large offsets. Agreement with numpy and scipy is group_oracle_test.cc.
#include "gaussian/group_tests.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "gaussian/gaussian_kl.h"
#include "gaussian/moments.h"
#include "offset_grid.h"
#include "random_mixing.h"

namespace driftd {
namespace {

using Catch::Matchers::Contains;
using Rows = std::vector<std::vector<double>>;

// n rows of A z + shift, z standard normal in d features, A row-major d x d.
Rows normal_rows(std::mt19937_64& rng, std::size_t n, const std::vector<double>& a,
                 const std::vector<double>& shift) {
  const std::size_t d = shift.size();
  std::normal_distribution<double> normal(0.0, 1.0);
  Rows rows(n, shift);
  std::vector<double> z(d);
  for (auto& row : rows) {
    for (double& v : z) v = normal(rng);
    for (std::size_t i = 0; i < d; ++i) {
      for (std::size_t j = 0; j < d; ++j) row[i] += a[i * d + j] * z[j];
    }
  }
  return rows;
}

// The identity map, for rows in standard units.
std::vector<double> identity(std::size_t d) {
  std::vector<double> a(d * d, 0.0);
  for (std::size_t i = 0; i < d; ++i) a[i * d + i] = 1.0;
  return a;
}

MomentAccumulator accumulate(const Rows& rows) {
  MomentAccumulator moments(rows.front().size());
  for (const auto& row : rows) moments.add(row);
  return moments;
}

struct Samples {
  MomentAccumulator current;
  MomentAccumulator reference;
};

// A current window of n rows and a reference of m rows, d features in mixed
// units (random_mixing of standard normals). The window's mean is moved by
// a normal(0, shift) number of standard deviations in each unmixed feature
// and its spread multiplied by `spread`.
Samples random_samples(std::mt19937_64& rng, std::size_t d, std::size_t n, std::size_t m,
                       double shift, double spread) {
  const std::vector<double> mixing = random_mixing(rng, d);
  std::vector<double> scaled = mixing;
  for (double& v : scaled) v *= spread;
  std::vector<double> moved(d, 0.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> direction(d);
  for (double& v : direction) v = shift * normal(rng);
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t j = 0; j < d; ++j) moved[i] += mixing[i * d + j] * direction[j];
  }
  return Samples{accumulate(normal_rows(rng, n, scaled, moved)),
                 accumulate(normal_rows(rng, m, mixing, std::vector<double>(d, 0.0)))};
}

TEST_CASE("identical samples: T2 = 0, p = 1, no contributions", "[group_tests]") {
  std::mt19937_64 rng(1);
  for (std::size_t d : {1, 2, 3, 8}) {
    const Rows rows = normal_rows(rng, 40, random_mixing(rng, d), std::vector<double>(d, 5.0));
    const MomentAccumulator once = accumulate(rows);
    const MomentAccumulator again = accumulate(rows);
    INFO("d = " << d);

    const auto t2 = hotelling_t2(once, again);
    REQUIRE(t2.value);
    CHECK(t2.value->t2 == 0.0);
    CHECK(t2.value->f == 0.0);
    CHECK(t2.value->p_value == 1.0);

    const auto m = box_m(once, again);
    REQUIRE(m.value);
    CHECK(m.value->uncorrected == Approx(0.0).margin(1e-10));
    CHECK(m.value->p_value == Approx(1.0).margin(1e-4));

    const auto contributions = location_contributions(once, again);
    REQUIRE(contributions.value);
    CHECK(std::ranges::all_of(*contributions.value, [](double c) { return c == 0.0; }));
  }
}

TEST_CASE("every value is finite and every p-value in [0, 1]", "[group_tests]") {
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t d = std::uniform_int_distribution<std::size_t>(1, 8)(rng);
    // From the fewest rows Box's M takes to a few thousand, and moves from
    // nothing to far beyond noise (p-values underflowing to 0).
    const std::size_t n =
        d + 1 + std::uniform_int_distribution<std::size_t>(0, trial % 3 == 0 ? 4 : 2000)(rng);
    const std::size_t m = d + 1 + std::uniform_int_distribution<std::size_t>(0, 3000)(rng);
    const double shift = std::vector<double>{0.0, 0.1, 1.0, 30.0}[trial % 4];
    const double spread = std::vector<double>{1.0, 1.2, 0.5, 10.0}[trial % 4];
    const Samples s = random_samples(rng, d, n, m, shift, spread);
    INFO("trial " << trial << ", d = " << d << ", n = " << n << ", m = " << m);

    const auto t2 = hotelling_t2(s.current, s.reference);
    REQUIRE(t2.value);
    CHECK(t2.problem == GroupProblem::kNone);
    CHECK(t2.reason.empty());
    CHECK(t2.value->t2 >= 0.0);
    CHECK(std::isfinite(t2.value->f));
    CHECK(t2.value->dof1 == static_cast<double>(d));
    CHECK(t2.value->dof2 == static_cast<double>(n + m - d - 1));
    CHECK(t2.value->p_value >= 0.0);
    CHECK(t2.value->p_value <= 1.0);

    const auto m_test = box_m(s.current, s.reference);
    REQUIRE(m_test.value);
    CHECK(m_test.value->uncorrected >= 0.0);
    CHECK(m_test.value->statistic >= 0.5 * m_test.value->uncorrected);
    CHECK(m_test.value->statistic <= m_test.value->uncorrected);
    CHECK(std::isfinite(m_test.value->statistic));
    CHECK(m_test.value->dof == static_cast<double>(d * (d + 1) / 2));
    CHECK(m_test.value->p_value >= 0.0);
    CHECK(m_test.value->p_value <= 1.0);

    const auto contributions = location_contributions(s.current, s.reference);
    REQUIRE(contributions.value);
    CHECK(contributions.value->size() == d);
    CHECK(std::ranges::all_of(*contributions.value, [](double c) { return std::isfinite(c); }));
  }
}

TEST_CASE("a large move gives a small p-value", "[group_tests]") {
  std::mt19937_64 rng(3);
  const Samples moved = random_samples(rng, 3, 500, 2000, 1.0, 1.0);
  CHECK(hotelling_t2(moved.current, moved.reference).value->p_value < 1e-12);
  const Samples spread = random_samples(rng, 3, 500, 2000, 0.0, 1.5);
  CHECK(box_m(spread.current, spread.reference).value->p_value < 1e-12);
}

TEST_CASE("for one feature T2 is the squared pooled t statistic", "[group_tests]") {
  // Current 1, 2, 4 (mean 7/3, variance 7/3); reference 2, 6, 7, 9 (mean 6,
  // variance 26/3). Pooled variance (2 * 7/3 + 3 * 26/3) / 5 = 92/15,
  // t^2 = (11/3)^2 / (92/15 * (1/3 + 1/4)) = 3.7578...
  MomentAccumulator current(1), reference(1);
  for (const double v : {1.0, 2.0, 4.0}) current.add(std::vector<double>{v});
  for (const double v : {2.0, 6.0, 7.0, 9.0}) reference.add(std::vector<double>{v});
  const double t_squared = (121.0 / 9.0) / (92.0 / 15.0 * (7.0 / 12.0));
  const auto t2 = hotelling_t2(current, reference);
  REQUIRE(t2.value);
  CHECK(t2.value->t2 == Approx(t_squared).epsilon(1e-14));
  // F = t^2 with (1, N - 2) degrees of freedom, and the p-value is the
  // t-test's: scipy.stats.ttest_ind([1, 2, 4], [2, 6, 7, 9]).pvalue.
  CHECK(t2.value->f == Approx(t_squared).epsilon(1e-14));
  CHECK(t2.value->dof1 == 1.0);
  CHECK(t2.value->dof2 == 5.0);
  CHECK(t2.value->p_value == Approx(0.11028323452805565).epsilon(1e-12));
}

TEST_CASE("contributions sum to gaussian_kl's location part", "[group_tests]") {
  std::mt19937_64 rng(4);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t d = std::uniform_int_distribution<std::size_t>(1, 8)(rng);
    const Samples s = random_samples(rng, d, 30 + d, 200, 0.5, 1.1);
    const double ridge = trial % 2 == 0 ? 0.0 : 0.05;
    const auto contributions = location_contributions(s.current, s.reference, ridge);
    REQUIRE(contributions.value);
    const double sum =
        std::accumulate(contributions.value->begin(), contributions.value->end(), 0.0);
    INFO("trial " << trial << ", d = " << d << ", ridge = " << ridge);
    CHECK(sum == Approx(gaussian_kl(s.current, s.reference, ridge).location).epsilon(1e-12));
  }
}

TEST_CASE("a contribution is negative when correlated features move unequally",
          "[group_tests]") {
  // Correlation 0.9; both features rise, the second by less than the first
  // predicts: given the first, it fell.
  std::mt19937_64 rng(5);
  const std::vector<double> correlated{1.0, 0.0, 0.9, std::sqrt(1 - 0.81)};
  const MomentAccumulator current = accumulate(normal_rows(rng, 2000, correlated, {1.0, 0.3}));
  const MomentAccumulator reference = accumulate(normal_rows(rng, 2000, correlated, {0.0, 0.0}));
  const auto contributions = location_contributions(current, reference);
  REQUIRE(contributions.value);
  CHECK((*contributions.value)[0] > 0.0);
  CHECK((*contributions.value)[1] < 0.0);
}

// The rows under x -> A x + b.
Rows affine_image(const Rows& rows, const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t d = b.size();
  Rows image(rows.size(), b);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t i = 0; i < d; ++i) {
      for (std::size_t j = 0; j < d; ++j) image[r][i] += a[i * d + j] * rows[r][j];
    }
  }
  return image;
}

TEST_CASE("T2 and Box's M are invariant under an affine map of the features", "[group_tests]") {
  std::mt19937_64 rng(6);
  std::normal_distribution<double> normal(0.0, 100.0);
  for (int trial = 0; trial < 100; ++trial) {
    const std::size_t d = std::uniform_int_distribution<std::size_t>(1, 8)(rng);
    const std::size_t n = std::uniform_int_distribution<std::size_t>(d + 1, 300)(rng);
    // Both sides well conditioned, so that the map's rounding of the rows
    // stays small (rows in units 1e6 apart, mixed twice, would lose digits
    // that no formula could recover).
    std::vector<double> chained = identity(d);
    for (std::size_t i = 1; i < d; ++i) chained[i * d + i - 1] = 0.5;
    const Rows current = normal_rows(rng, n, identity(d), std::vector<double>(d, 0.3));
    const Rows reference = normal_rows(rng, 400, chained, std::vector<double>(d));
    const std::vector<double> a = random_mixing(rng, d);
    std::vector<double> b(d);
    for (double& v : b) v = normal(rng);
    const MomentAccumulator p = accumulate(current), q = accumulate(reference);
    const MomentAccumulator mapped_p = accumulate(affine_image(current, a, b));
    const MomentAccumulator mapped_q = accumulate(affine_image(reference, a, b));
    INFO("trial " << trial << ", d = " << d << ", n = " << n);
    CHECK(hotelling_t2(mapped_p, mapped_q).value->t2 ==
          Approx(hotelling_t2(p, q).value->t2).epsilon(1e-9));
    CHECK(box_m(mapped_p, mapped_q).value->statistic ==
          Approx(box_m(p, q).value->statistic).epsilon(1e-9));
  }
}

TEST_CASE("rows near 1.7e12 and 1e6 give the values of the same rows near 0", "[group_tests]") {
  // A timestamp in ms, an amount and a plain feature, unit variances.
  std::mt19937_64 rng(7);
  const std::vector<double> a{1.0, 0.0, 0.0, 0.5, 0.8, 0.0, 0.2, -0.3, 0.9};
  Rows current = normal_rows(rng, 300, a, {0.05, -0.1, 0.0});
  Rows reference = normal_rows(rng, 5000, a, {0.0, 0.0, 0.0});
  round_to_offset_grid(current);
  round_to_offset_grid(reference);
  const MomentAccumulator near_p = accumulate(current), near_q = accumulate(reference);
  for (Rows* rows : {&current, &reference}) {
    for (auto& row : *rows) {
      row[0] += 1.7e12;
      row[1] += 1e6;
    }
  }
  const MomentAccumulator far_p = accumulate(current), far_q = accumulate(reference);

  const HotellingT2 near_t2 = *hotelling_t2(near_p, near_q).value;
  const HotellingT2 far_t2 = *hotelling_t2(far_p, far_q).value;
  CHECK(far_t2.t2 == Approx(near_t2.t2).epsilon(1e-12));
  CHECK(far_t2.p_value == Approx(near_t2.p_value).epsilon(1e-10));
  const BoxM near_m = *box_m(near_p, near_q).value;
  const BoxM far_m = *box_m(far_p, far_q).value;
  CHECK(far_m.statistic == Approx(near_m.statistic).epsilon(1e-12));
  CHECK(far_m.p_value == Approx(near_m.p_value).epsilon(1e-10));
  const std::vector<double> near_c = *location_contributions(near_p, near_q).value;
  const std::vector<double> far_c = *location_contributions(far_p, far_q).value;
  for (std::size_t i = 0; i < 3; ++i) CHECK(far_c[i] == Approx(near_c[i]).epsilon(1e-12));
}

TEST_CASE("too few rows are reported, not thrown", "[group_tests][errors]") {
  const auto rows_of = [](std::size_t n, std::size_t d) {
    std::mt19937_64 rng(8);
    MomentAccumulator moments(d);
    if (n > 0) moments = accumulate(normal_rows(rng, n, identity(d), std::vector<double>(d)));
    return moments;
  };

  SECTION("Hotelling's T^2 needs n + m >= d + 2 and a row on each side") {
    const auto t2 = hotelling_t2(rows_of(2, 3), rows_of(2, 3));
    CHECK_FALSE(t2.value);
    CHECK(t2.problem == GroupProblem::kTooFewRows);
    CHECK(t2.reason ==
          "current and reference have too few rows for Hotelling's T^2 of 3 features (4, need "
          "at least 5)");
    // One row in the window is enough against a reference.
    CHECK(hotelling_t2(rows_of(1, 3), rows_of(4, 3)).value);
    CHECK(hotelling_t2(rows_of(0, 3), rows_of(10, 3)).reason == "current has no rows");
    CHECK(hotelling_t2(rows_of(10, 3), rows_of(0, 3)).reason == "reference has no rows");
    CHECK(hotelling_t2(rows_of(10, 1), rows_of(1, 1)).value);
    CHECK(hotelling_t2(rows_of(10, 1), rows_of(1, 1), 0.1).reason ==
          "reference has too few rows for a ridge (1, need at least 2)");
  }
  SECTION("Box's M needs d + 1 rows on each side") {
    const auto m = box_m(rows_of(3, 3), rows_of(50, 3));
    CHECK_FALSE(m.value);
    CHECK(m.problem == GroupProblem::kTooFewRows);
    CHECK(m.reason ==
          "current has too few samples for a 3-feature covariance (3, need at least 4)");
    CHECK(box_m(rows_of(50, 3), rows_of(2, 3)).reason ==
          "reference has too few samples for a 3-feature covariance (2, need at least 4)");
    CHECK(box_m(rows_of(4, 3), rows_of(4, 3)).value);
  }
  SECTION("contributions need a reference covariance and a window mean") {
    CHECK(location_contributions(rows_of(1, 3), rows_of(4, 3)).value);
    CHECK(location_contributions(rows_of(0, 3), rows_of(4, 3)).reason == "current has no rows");
    const auto contributions = location_contributions(rows_of(10, 3), rows_of(3, 3));
    CHECK(contributions.problem == GroupProblem::kTooFewRows);
    CHECK(contributions.reason ==
          "reference has too few samples for a 3-feature covariance (3, need at least 4)");
  }
}

// 200 rows of three features; `make` gives each row from three normals.
template <class Make>
MomentAccumulator rows_made_by(std::mt19937_64& rng, Make make) {
  std::normal_distribution<double> normal(0.0, 1.0);
  MomentAccumulator moments(3);
  for (int k = 0; k < 200; ++k) {
    const double x = normal(rng), y = normal(rng), z = normal(rng);
    moments.add(make(x, y, z));
  }
  return moments;
}

TEST_CASE("singular covariances are reported, never NaN", "[group_tests][errors]") {
  std::mt19937_64 rng(9);
  const auto varying = [](double x, double y, double z) {
    return std::vector<double>{x, 1e6 + y, z + 0.1};
  };
  const auto constant = [](double x, double y, double) {
    return std::vector<double>{x, 1e6 + y, 7.0};
  };
  const auto sum = [](double x, double y, double) { return std::vector<double>{x, y, x + y}; };
  const MomentAccumulator normal = rows_made_by(rng, varying);
  const MomentAccumulator constant_third = rows_made_by(rng, constant);
  const MomentAccumulator third_is_sum = rows_made_by(rng, sum);
  const MomentAccumulator third_is_sum_too = rows_made_by(rng, sum);

  const auto check_singular = [](const auto& result, const std::string& reason) {
    CHECK_FALSE(result.value);
    CHECK(result.problem == GroupProblem::kSingularCovariance);
    CHECK(result.reason == reason);
  };
  const auto check_dependent = [](const auto& result, const std::string& side) {
    CHECK_FALSE(result.value);
    CHECK(result.problem == GroupProblem::kSingularCovariance);
    CHECK_THAT(result.reason, Contains(side + " covariance is singular: feature") &&
                                  Contains("is a linear combination of the others"));
  };

  SECTION("a feature constant on both sides") {
    check_singular(hotelling_t2(constant_third, constant_third),
                   "pooled covariance is singular: feature 2 has zero variance");
    check_singular(box_m(constant_third, constant_third),
                   "reference covariance is singular: feature 2 has zero variance");
    check_singular(location_contributions(constant_third, constant_third),
                   "reference covariance is singular: feature 2 has zero variance");
    // ridge x a reference variance of 0 adds nothing.
    check_singular(hotelling_t2(constant_third, constant_third, 0.1),
                   "pooled covariance is singular: feature 2 has zero variance");
  }
  SECTION("a feature constant in the window only") {
    CHECK(hotelling_t2(constant_third, normal).value);
    check_singular(box_m(constant_third, normal),
                   "current covariance is singular: feature 2 has zero variance");
    CHECK(location_contributions(constant_third, normal).value);
    const auto regularised = box_m(constant_third, normal, 0.1);
    REQUIRE(regularised.value);
    CHECK(std::isfinite(regularised.value->statistic));
    CHECK(regularised.value->p_value < 1e-12);
  }
  SECTION("a feature constant in the reference only") {
    CHECK(hotelling_t2(normal, constant_third).value);
    check_singular(box_m(normal, constant_third),
                   "reference covariance is singular: feature 2 has zero variance");
    check_singular(location_contributions(normal, constant_third, 0.1),
                   "reference covariance is singular: feature 2 has zero variance");
  }
  SECTION("a feature that is the sum of two others") {
    check_dependent(hotelling_t2(third_is_sum, third_is_sum_too), "pooled");
    check_dependent(box_m(normal, third_is_sum), "reference");
    check_dependent(box_m(third_is_sum, normal), "current");
    check_dependent(location_contributions(normal, third_is_sum), "reference");

    const auto t2 = hotelling_t2(third_is_sum, third_is_sum_too, 0.01);
    REQUIRE(t2.value);
    CHECK(std::isfinite(t2.value->t2));
    CHECK(t2.value->p_value >= 0.0);
    CHECK(t2.value->p_value <= 1.0);
    const auto m = box_m(third_is_sum, third_is_sum_too, 0.01);
    REQUIRE(m.value);
    CHECK(std::isfinite(m.value->statistic));
    CHECK(m.value->p_value >= 0.0);
    CHECK(m.value->p_value <= 1.0);
    const auto contributions = location_contributions(third_is_sum, third_is_sum_too, 0.01);
    REQUIRE(contributions.value);
    CHECK(std::ranges::all_of(*contributions.value, [](double c) { return std::isfinite(c); }));
  }
}

TEST_CASE("the ridge is ridge x the reference variances on every diagonal", "[group_tests]") {
  // Against gaussian_kl's ridge, which has its own tests: the location part.
  std::mt19937_64 rng(10);
  const Samples s = random_samples(rng, 4, 60, 300, 0.5, 1.3);
  for (const double ridge : {0.0, 0.01, 1.0, 100.0}) {
    const auto contributions = location_contributions(s.current, s.reference, ridge);
    REQUIRE(contributions.value);
    CHECK(std::accumulate(contributions.value->begin(), contributions.value->end(), 0.0) ==
          Approx(gaussian_kl(s.current, s.reference, ridge).location).epsilon(1e-12));
  }
  // A larger ridge pulls the covariances together and toward a common
  // diagonal: less evidence of a change.
  CHECK(hotelling_t2(s.current, s.reference, 1.0).value->t2 <
        hotelling_t2(s.current, s.reference).value->t2);
  CHECK(box_m(s.current, s.reference, 100.0).value->statistic <
        box_m(s.current, s.reference).value->statistic);
}

TEST_CASE("caller errors are thrown as InputError", "[group_tests][errors]") {
  const MomentAccumulator two(2), three(3);
  CHECK_THROWS_WITH(hotelling_t2(two, three),
                    "current and reference have different dimensions (2 vs 3)");
  CHECK_THROWS_WITH(box_m(two, three), "current and reference have different dimensions (2 vs 3)");
  CHECK_THROWS_WITH(location_contributions(three, two),
                    "current and reference have different dimensions (3 vs 2)");
  for (const double ridge : {-1.0, std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity()}) {
    CHECK_THROWS_AS(hotelling_t2(two, two, ridge), InputError);
    CHECK_THROWS_AS(box_m(two, two, ridge), InputError);
    CHECK_THROWS_WITH(location_contributions(two, two, ridge),
                      "ridge must be a finite number >= 0");
  }
}

}  // namespace
}  // namespace driftd
