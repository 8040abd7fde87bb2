#include "gaussian/moments.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

#include "common/error.h"
#include "offset_grid.h"

namespace driftd {
namespace {

// The cheap univariate path: four numbers inline, nothing on the heap.
static_assert(sizeof(UnivariateMoments) == 4 * sizeof(double));

using Rows = std::vector<std::vector<double>>;

// n rows of d correlated features around `offset`, feature j with stddev
// about j + 1.
Rows random_rows(std::mt19937_64& rng, std::size_t n, std::size_t d, double offset) {
  std::normal_distribution<double> normal(0.0, 1.0);
  Rows rows(n, std::vector<double>(d));
  for (auto& row : rows) {
    double previous = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      const double z = normal(rng);
      row[j] = offset + static_cast<double>(j + 1) * (z + 0.5 * previous);
      previous = z;
    }
  }
  return rows;
}

MomentAccumulator accumulate(const Rows& rows, std::size_t d) {
  MomentAccumulator moments(d);
  for (const auto& row : rows) moments.add(row);
  return moments;
}

// Same count; mean and covariance equal to `relative`, measured against each
// feature's spread so that near-zero entries are judged fairly.
void check_same_moments(const MomentAccumulator& actual, const MomentAccumulator& expected,
                        double relative) {
  REQUIRE(actual.dimension() == expected.dimension());
  REQUIRE(actual.count() == expected.count());
  const std::size_t d = expected.dimension();
  const std::vector<double> covariance = actual.covariance();
  const std::vector<double> expected_covariance = expected.covariance();
  for (std::size_t i = 0; i < d; ++i) {
    const double spread_i = std::sqrt(expected_covariance[i * d + i]);
    CHECK(actual.mean()[i] ==
          Approx(expected.mean()[i]).epsilon(relative).margin(relative * spread_i));
    for (std::size_t j = 0; j < d; ++j) {
      const double spread_j = std::sqrt(expected_covariance[j * d + j]);
      CHECK(covariance[i * d + j] == Approx(expected_covariance[i * d + j])
                                         .epsilon(relative)
                                         .margin(relative * spread_i * spread_j));
    }
  }
}

TEST_CASE("a new accumulator is empty", "[moments]") {
  const MomentAccumulator group(3);
  CHECK(group.count() == 0);
  CHECK(group.dimension() == 3);
  CHECK(std::ranges::all_of(group.mean(), [](double m) { return m == 0.0; }));
  const UnivariateMoments single;
  CHECK(single.count() == 0);
  CHECK(single.dimension() == 1);
  CHECK(single.mean()[0] == 0.0);
}

TEST_CASE("mean and sample covariance (ddof = 1) of a small data set", "[moments]") {
  // x = 1, 3, 4 and y = 2, 5, 4: deviations (-5/3, 1/3, 4/3) and
  // (-5/3, 4/3, 1/3), sums of products 42/9, 42/9 and 33/9, divided by n - 1.
  MomentAccumulator moments(2);
  for (const std::vector<double>& row : Rows{{1, 2}, {3, 5}, {4, 4}}) moments.add(row);
  CHECK(moments.count() == 3);
  CHECK(moments.mean()[0] == Approx(8.0 / 3.0).epsilon(1e-15));
  CHECK(moments.mean()[1] == Approx(11.0 / 3.0).epsilon(1e-15));
  const std::vector<double> covariance = moments.covariance();
  REQUIRE(covariance.size() == 4);
  CHECK(covariance[0] == Approx(7.0 / 3.0).epsilon(1e-15));
  CHECK(covariance[1] == Approx(11.0 / 6.0).epsilon(1e-15));
  CHECK(covariance[2] == covariance[1]);
  CHECK(covariance[3] == Approx(7.0 / 3.0).epsilon(1e-15));
}

TEST_CASE("from_moments holds the given moments and merges like the rows", "[moments]") {
  // Means exactly representable (1e9 + 3, 3), as a split mean must be.
  const Rows first{{1e9 + 1.0, 2.0}, {1e9 + 3.0, 5.0}, {1e9 + 5.0, 2.0}};
  const Rows second{{1e9 + 2.0, 7.0}, {1e9 + 8.0, 1.0}};
  MomentAccumulator rows(2);
  for (const auto& row : first) rows.add(row);
  // The same moments, the mean split as 1e9 + an offset.
  const std::vector<double> mean = rows.mean();
  MomentAccumulator given = MomentAccumulator::from_moments(
      rows.count(), {1e9, 0.0}, {mean[0] - 1e9, mean[1]}, rows.comoment());
  CHECK(given.count() == 3);
  CHECK(given.mean() == rows.mean());
  CHECK(given.covariance() == rows.covariance());
  for (const auto& row : second) {
    rows.add(row);
    given.add(row);
  }
  for (std::size_t i = 0; i < 2; ++i) CHECK(given.mean()[i] == Approx(rows.mean()[i]).epsilon(1e-15));
  for (std::size_t c = 0; c < 4; ++c) {
    CHECK(given.covariance()[c] == Approx(rows.covariance()[c]).epsilon(1e-12));
  }
  CHECK_THROWS_AS(MomentAccumulator::from_moments(1, {1.0}, {0.0, 0.0}, {0.0}), InputError);
}

TEST_CASE("UnivariateMoments agrees with a one-feature MomentAccumulator", "[moments]") {
  std::mt19937_64 rng(7);
  const Rows rows = random_rows(rng, 200, 1, 42.0);
  UnivariateMoments single;
  for (const auto& row : rows) single.add(row[0]);
  const MomentAccumulator group = accumulate(rows, 1);
  CHECK(single.count() == group.count());
  CHECK(single.mean()[0] == group.mean()[0]);
  CHECK(single.covariance()[0] == group.covariance()[0]);
}

TEST_CASE("merging the accumulators of any split equals one pass", "[moments]") {
  std::mt19937_64 rng(20240611);
  for (int trial = 0; trial < 100; ++trial) {
    const std::size_t d = std::uniform_int_distribution<std::size_t>(1, 6)(rng);
    const std::size_t n = std::uniform_int_distribution<std::size_t>(2, 400)(rng);
    const Rows rows = random_rows(rng, n, d, 5.0 * static_cast<double>(trial));

    // Cut the rows into 1..8 contiguous parts (some may be empty) and merge
    // the parts' accumulators in a random order.
    const std::size_t parts = std::uniform_int_distribution<std::size_t>(1, 8)(rng);
    std::vector<std::size_t> cuts{0, n};
    for (std::size_t k = 1; k < parts; ++k) {
      cuts.push_back(std::uniform_int_distribution<std::size_t>(0, n)(rng));
    }
    std::ranges::sort(cuts);
    std::vector<MomentAccumulator> partials;
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
      partials.emplace_back(d);
      for (std::size_t r = cuts[k]; r < cuts[k + 1]; ++r) partials.back().add(rows[r]);
    }
    std::ranges::shuffle(partials, rng);
    MomentAccumulator merged(d);
    for (const auto& partial : partials) merged.merge(partial);

    INFO("trial " << trial << ", d = " << d << ", n = " << n << ", parts = " << parts);
    check_same_moments(merged, accumulate(rows, d), 1e-12);
  }
}

TEST_CASE("merging univariate moments of two halves equals one pass", "[moments]") {
  std::mt19937_64 rng(3);
  const Rows rows = random_rows(rng, 301, 1, -17.0);
  UnivariateMoments all, first, second;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    all.add(rows[r][0]);
    (r < 120 ? first : second).add(rows[r][0]);
  }
  first.merge(second);
  CHECK(first.count() == all.count());
  CHECK(first.mean()[0] == Approx(all.mean()[0]).epsilon(1e-12));
  CHECK(first.covariance()[0] == Approx(all.covariance()[0]).epsilon(1e-12));
}

TEST_CASE("merging with an empty accumulator", "[moments]") {
  std::mt19937_64 rng(11);
  const MomentAccumulator filled = accumulate(random_rows(rng, 50, 3, 1.0), 3);

  SECTION("an empty other changes nothing") {
    MomentAccumulator target = filled;
    target.merge(MomentAccumulator(3));
    check_same_moments(target, filled, 0.0);
  }
  SECTION("an empty target becomes a copy") {
    MomentAccumulator target(3);
    target.merge(filled);
    check_same_moments(target, filled, 0.0);
  }
}

TEST_CASE("stable at large offsets", "[moments]") {
  SECTION("values near 1e9 with a variance of 30") {
    // A sum-of-squares formula loses everything here: the squares are 1e18.
    UnivariateMoments moments;
    for (const double v : {4.0, 7.0, 13.0, 16.0}) moments.add(1e9 + v);
    CHECK(moments.mean()[0] == 1e9 + 10.0);
    CHECK(moments.covariance()[0] == Approx(30.0).epsilon(1e-12));
  }
  SECTION("correlated unit-variance features near 1e9, added and merged") {
    std::mt19937_64 rng(5);
    const Rows shifted = random_rows(rng, 20000, 2, 1e9);
    // The reference: the same values shifted back, exactly (x - 1e9 is exact
    // for x within a factor 2 of 1e9).
    Rows exact = shifted;
    for (auto& row : exact) {
      for (double& v : row) v -= 1e9;
    }
    const MomentAccumulator reference = accumulate(exact, 2);

    // The mean is as good as a double near 1e9 can be (half an ulp is 6e-8);
    // a running mean rounded at every add drifts by about 3e-6 here.
    const auto check_against_reference = [&](const MomentAccumulator& moments) {
      for (std::size_t j = 0; j < 2; ++j) {
        CHECK(moments.mean()[j] - 1e9 == Approx(reference.mean()[j]).margin(1e-7));
      }
      const std::vector<double> covariance = moments.covariance();
      const std::vector<double> expected = reference.covariance();
      for (std::size_t k = 0; k < 4; ++k) {
        CHECK(covariance[k] == Approx(expected[k]).epsilon(1e-12));
      }
    };
    check_against_reference(accumulate(shifted, 2));
    MomentAccumulator merged = accumulate(Rows(shifted.begin(), shifted.begin() + 7000), 2);
    merged.merge(accumulate(Rows(shifted.begin() + 7000, shifted.end()), 2));
    check_against_reference(merged);
  }
}

TEST_CASE("the co-moment matrix is the unnormalised covariance", "[moments]") {
  MomentAccumulator moments(2);
  moments.add(std::vector<double>{1.0, 2.0});
  CHECK(moments.comoment() == std::vector<double>(4, 0.0));
  moments.add(std::vector<double>{3.0, 5.0});
  moments.add(std::vector<double>{4.0, 4.0});
  // The small data set above: sums of products 42/9, 33/9 and 42/9.
  const std::vector<double> comoment = moments.comoment();
  CHECK(comoment[0] == Approx(42.0 / 9.0).epsilon(1e-15));
  CHECK(comoment[1] == Approx(33.0 / 9.0).epsilon(1e-15));
  CHECK(comoment[2] == comoment[1]);
  CHECK(comoment[3] == Approx(42.0 / 9.0).epsilon(1e-15));
}

TEST_CASE("the difference of two means keeps its precision at large offsets", "[moments]") {
  std::mt19937_64 rng(13);
  Rows current = random_rows(rng, 3000, 2, 0.0);
  Rows reference = random_rows(rng, 5000, 2, 0.25);
  round_to_offset_grid(current);
  round_to_offset_grid(reference);
  const MomentAccumulator near_current = accumulate(current, 2);
  const MomentAccumulator near_reference = accumulate(reference, 2);
  const std::vector<double> exact = near_current.mean_difference(near_reference);
  for (std::size_t j = 0; j < 2; ++j) {
    CHECK(exact[j] ==
          Approx(near_reference.mean()[j] - near_current.mean()[j]).epsilon(1e-12));
  }

  for (Rows* rows : {&current, &reference}) {
    for (auto& row : *rows) {
      for (double& v : row) v += 1.7e12;
    }
  }
  const MomentAccumulator far_current = accumulate(current, 2);
  const MomentAccumulator far_reference = accumulate(reference, 2);
  const std::vector<double> far = far_current.mean_difference(far_reference);
  for (std::size_t j = 0; j < 2; ++j) {
    CHECK(far[j] == Approx(exact[j]).epsilon(1e-12));
    // Subtracting the rounded means is off by up to an ulp of 1.7e12.
    CHECK(far_reference.mean()[j] - far_current.mean()[j] ==
          Approx(exact[j]).margin(std::ldexp(1.0, -11)));
  }
}

TEST_CASE("moment accumulator errors", "[moments][errors]") {
  CHECK_THROWS_AS(MomentAccumulator(0), InputError);
  CHECK_THROWS_WITH(MomentAccumulator(0), "a moment accumulator needs at least one feature");
  MomentAccumulator two(2);
  CHECK_THROWS_AS(two.merge(MomentAccumulator(3)), InputError);
  CHECK_THROWS_WITH(two.merge(MomentAccumulator(3)),
                    "cannot merge moments of 3 features into moments of 2");
}

}  // namespace
}  // namespace driftd
