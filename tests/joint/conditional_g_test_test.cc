// The conditional G-test's arithmetic: the likelihood-ratio chain rule it
// rests on, which rows it tests, and its degenerate cases. Its calibration
// is in conditional_g_calibration_test.cc, its agreement with scipy in
// conditional_g_test_oracle_test.cc.
#include "joint/conditional_g_test.h"

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <span>
#include <vector>

#include "common/error.h"
#include "divergence/calibrated_g_test.h"
#include "divergence/divergence.h"

namespace driftd {
namespace {

using Counts = std::vector<std::uint64_t>;

// Row x of a row-major table.
std::span<const std::uint64_t> row(const Counts& cells, std::size_t x, std::size_t y_bins) {
  return std::span<const std::uint64_t>(cells).subspan(x * y_bins, y_bins);
}

Counts row_totals(const Counts& cells, std::size_t x_bins, std::size_t y_bins) {
  Counts totals(x_bins);
  for (std::size_t x = 0; x < x_bins; ++x) {
    const auto r = row(cells, x, y_bins);
    totals[x] = std::accumulate(r.begin(), r.end(), std::uint64_t{0});
  }
  return totals;
}

// The plain G of two count vectors (metrics.md, `g_statistic`): unpooled,
// without Williams' correction.
double plain_g(std::span<const std::uint64_t> p, std::span<const std::uint64_t> q) {
  return compare_counts(p, q, 0.5).significance.g_statistic;
}

TEST_CASE("likelihood-ratio chain rule: G(joint) = G(X marginal) + sum_x G(row x)",
          "[conditional_g_test]") {
  // Counts of 30 to 120 in every cell of both sides: each expected count
  // min(n, m) C / N is at least 30 * 60 / 150 = 12, so nothing is pooled and
  // the pooled statistics are the plain ones.
  std::mt19937_64 rng(20250101);
  std::uniform_int_distribution<std::uint64_t> count(30, 120);
  std::uniform_int_distribution<std::size_t> bins(2, 10);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t x_bins = bins(rng), y_bins = bins(rng);
    INFO("trial " << trial << ": " << x_bins << " x " << y_bins);
    Counts p(x_bins * y_bins), q(x_bins * y_bins);
    for (auto& c : p) c = count(rng);
    for (auto& c : q) c = count(rng);
    double rows = 0;
    for (std::size_t x = 0; x < x_bins; ++x) rows += plain_g(row(p, x, y_bins), row(q, x, y_bins));
    const double marginal = plain_g(row_totals(p, x_bins, y_bins), row_totals(q, x_bins, y_bins));
    CHECK(plain_g(p, q) == Approx(marginal + rows).epsilon(1e-9));
    // Nothing pooled: the degrees of freedom partition too,
    // x_bins y_bins - 1 = (x_bins - 1) + x_bins (y_bins - 1).
    CHECK(conditional_g_test(p, q, x_bins, y_bins).dof ==
          static_cast<int>(x_bins * (y_bins - 1)));
  }
}

TEST_CASE("one row is the calibrated G-test of that row", "[conditional_g_test]") {
  // Sparse rows too: the pooling is calibrated_g_test's.
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t y_bins = std::uniform_int_distribution<std::size_t>(1, 30)(rng);
    const std::uint64_t largest = std::uniform_int_distribution<std::uint64_t>(1, 60)(rng);
    std::uniform_int_distribution<std::uint64_t> count(0, largest);
    Counts p(y_bins), q(y_bins);
    for (auto& c : p) c = count(rng);
    for (auto& c : q) c = 3 * count(rng);
    p[0] += 1;
    q[0] += 1;
    const double n = static_cast<double>(std::accumulate(p.begin(), p.end(), std::uint64_t{0}));
    const double m = static_cast<double>(std::accumulate(q.begin(), q.end(), std::uint64_t{0}));
    const CalibratedGTest expected = calibrated_g_test(p, q, n, m);
    const CalibratedGTest test = conditional_g_test(p, q, 1, y_bins);
    CHECK(test.dof == expected.dof);
    CHECK(test.p_value == expected.p_value);
  }
}

TEST_CASE("rows with mass on one side only are not tested", "[conditional_g_test]") {
  // Row 0 only in the window, row 2 only in the reference: row 1 is tested
  // alone.
  const Counts p{30, 40, 50, 45, 35, 60, 0, 0, 0};
  const Counts q{0, 0, 0, 100, 140, 90, 80, 60, 70};
  const CalibratedGTest test = conditional_g_test(p, q, 3, 3);
  const CalibratedGTest row_1 = calibrated_g_test(row(p, 1, 3), row(q, 1, 3), 140, 330);
  CHECK(test.dof == 2);
  CHECK(test.p_value == row_1.p_value);
  SECTION("no row with mass on both sides: nothing to test") {
    const Counts only_window{5, 5, 5, 0, 0, 0};
    const Counts only_reference{0, 0, 0, 5, 5, 5};
    CHECK(conditional_g_test(only_window, only_reference, 2, 3).dof == 0);
    CHECK(conditional_g_test(only_window, only_reference, 2, 3).p_value == 1.0);
  }
}

TEST_CASE("a covariate shift alone is not a change of the conditionals",
          "[conditional_g_test]") {
  // Each window row a multiple of the reference row: the X marginal moved,
  // Y|x did not, and G is 0 up to rounding.
  const Counts q{20, 30, 50, 60, 10, 30, 25, 25, 50};
  Counts p = q;
  const std::uint64_t factors[] = {1, 4, 9};
  for (std::size_t k = 0; k < p.size(); ++k) p[k] *= factors[k / 3];
  const CalibratedGTest test = conditional_g_test(p, q, 3, 3);
  CHECK(test.dof == 6);
  CHECK(test.p_value == Approx(1.0).margin(1e-12));
}

TEST_CASE("degenerate tables: one column, identical sides, no bins", "[conditional_g_test]") {
  const Counts column{10, 20, 30};
  CHECK(conditional_g_test(column, Counts{30, 20, 10}, 3, 1).dof == 0);
  CHECK(conditional_g_test(column, Counts{30, 20, 10}, 3, 1).p_value == 1.0);
  const Counts table{40, 60, 20, 80, 100, 50};
  CHECK(conditional_g_test(table, table, 2, 3).p_value == 1.0);
  CHECK(conditional_g_test(Counts{}, Counts{}, 0, 4).p_value == 1.0);
}

TEST_CASE("conditional G-test errors", "[conditional_g_test][errors]") {
  const Counts four{1, 2, 3, 4};
  CHECK_THROWS_WITH(conditional_g_test(Counts{1, 2, 3}, four, 2, 2),
                    "joint histograms of 3 and 4 cells do not fit 2 x 2 bins");
  CHECK_THROWS_WITH(conditional_g_test(four, four, 2, 3),
                    "joint histograms of 4 and 4 cells do not fit 2 x 3 bins");
  CHECK_THROWS_AS(conditional_g_test(four, four, 4, 0), InputError);
  // x_bins * y_bins wraps around to 2, the histograms' size.
  const std::size_t huge = std::numeric_limits<std::size_t>::max() / 2 + 2;
  CHECK_THROWS_AS(conditional_g_test(Counts{1, 1}, Counts{1, 1}, huge, 2), InputError);
}

}  // namespace
}  // namespace driftd
