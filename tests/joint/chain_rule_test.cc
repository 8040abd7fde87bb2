#include "joint/chain_rule.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "common/error.h"

namespace driftd {
namespace {

using Counts = std::vector<std::uint64_t>;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Random counts, about a third of them zero; never all zero.
Counts random_counts(std::mt19937_64& rng, std::size_t cells, std::uint64_t min_count) {
  std::uniform_int_distribution<std::uint64_t> count(0, 50);
  std::bernoulli_distribution empty(1.0 / 3.0);
  Counts counts(cells);
  for (auto& c : counts) c = min_count + (empty(rng) ? 0 : count(rng));
  if (std::ranges::all_of(counts, [](std::uint64_t c) { return c == 0; })) counts[0] = 1;
  return counts;
}

void check_chain_rule(const ChainRuleSplit& split) {
  CHECK(split.joint == Approx(split.marginal + split.conditional).epsilon(1e-12));
  CHECK(split.conditional ==
        Approx(std::accumulate(split.conditional_by_x.begin(), split.conditional_by_x.end(), 0.0))
            .epsilon(1e-15));
  CHECK(split.marginal >= 0.0);
  CHECK(std::ranges::all_of(split.conditional_by_x, [](double c) { return c >= 0.0; }));
}

TEST_CASE("chain rule: joint = marginal + conditional on random tables", "[chain_rule]") {
  std::mt19937_64 rng(20240612);
  std::uniform_int_distribution<std::size_t> bins(1, 9);
  const double alphas[] = {0.5, 1.0, 0.01, 3.0, 0.0};
  for (int trial = 0; trial < 600; ++trial) {
    // Every third table is a single row or a single column.
    std::size_t x_bins = bins(rng), y_bins = bins(rng);
    if (trial % 3 == 1) x_bins = 1;
    if (trial % 3 == 2) y_bins = 1;
    const double alpha = alphas[trial % 5];
    const std::size_t cells = x_bins * y_bins;
    const Counts p = random_counts(rng, cells, 0);
    // With alpha = 0 every reference cell is kept nonempty: a finite case.
    const Counts q = random_counts(rng, cells, alpha == 0.0 ? 1 : 0);
    INFO("trial " << trial << ": " << x_bins << " x " << y_bins << ", alpha " << alpha);
    const ChainRuleSplit split = chain_rule_split(p, q, x_bins, y_bins, alpha);
    REQUIRE(split.conditional_by_x.size() == x_bins);
    REQUIRE(std::isfinite(split.joint));
    check_chain_rule(split);
  }
}

TEST_CASE("a hand-computed split", "[chain_rule]") {
  // P puts 1/2 on (0, 0) and (1, 1), Q 1/4 everywhere: the marginals agree,
  // and each row's conditional (1, 0) against (1/2, 1/2) costs ln 2.
  const ChainRuleSplit split = chain_rule_split(Counts{1, 0, 0, 1}, Counts{1, 1, 1, 1}, 2, 2, 0.0);
  CHECK(split.joint == Approx(std::log(2.0)).epsilon(1e-15));
  CHECK(split.marginal == 0.0);
  CHECK(split.conditional == Approx(std::log(2.0)).epsilon(1e-15));
  CHECK(split.conditional_by_x[0] == Approx(0.5 * std::log(2.0)).epsilon(1e-15));
  CHECK(split.conditional_by_x[1] == Approx(0.5 * std::log(2.0)).epsilon(1e-15));
}

TEST_CASE("smoothing applies to the joint cells, marginals follow from them", "[chain_rule]") {
  // alpha = 1: P = (4, 1, 1, 1) / 7 and Q = (2, 2, 2, 2) / 8. P_X = (5/7, 2/7),
  // not (3 + 1, 0 + 1) / 5 as smoothing the marginal counts would give.
  const ChainRuleSplit split = chain_rule_split(Counts{3, 0, 0, 0}, Counts{1, 1, 1, 1}, 2, 2, 1.0);
  const double marginal = 5.0 / 7 * std::log(10.0 / 7) + 2.0 / 7 * std::log(4.0 / 7);
  // Row 0: P(Y|0) = (4/5, 1/5) against (1/2, 1/2); row 1 is uniform on both sides.
  const double row0 = 5.0 / 7 * (0.8 * std::log(1.6) + 0.2 * std::log(0.4));
  const double joint = 4.0 / 7 * std::log(16.0 / 7) + 3.0 / 7 * std::log(4.0 / 7);
  CHECK(split.marginal == Approx(marginal).epsilon(1e-14));
  CHECK(split.conditional_by_x[0] == Approx(row0).epsilon(1e-14));
  CHECK(split.conditional_by_x[1] == Approx(0.0).margin(1e-16));
  CHECK(split.joint == Approx(joint).epsilon(1e-14));
}

TEST_CASE("identical histograms split into zeros", "[chain_rule]") {
  const Counts counts{5, 0, 3, 2, 7, 1};
  const ChainRuleSplit split = chain_rule_split(counts, counts, 3, 2, 0.5);
  CHECK(split.joint == 0.0);
  CHECK(split.marginal == 0.0);
  CHECK(split.conditional == 0.0);
}

TEST_CASE("one row: everything is conditional, one column: everything is marginal",
          "[chain_rule]") {
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 50; ++trial) {
    const std::size_t k = std::uniform_int_distribution<std::size_t>(2, 12)(rng);
    const Counts p = random_counts(rng, k, 0), q = random_counts(rng, k, 0);
    const ChainRuleSplit row = chain_rule_split(p, q, 1, k, 0.5);
    CHECK(row.marginal == 0.0);
    CHECK(row.conditional == Approx(row.joint).epsilon(1e-14));
    const ChainRuleSplit column = chain_rule_split(p, q, k, 1, 0.5);
    CHECK(column.conditional == 0.0);
    CHECK(column.marginal == Approx(column.joint).epsilon(1e-14));
  }
}

TEST_CASE("the conditional term vanishes when P(Y|x) = Q(Y|x)", "[chain_rule]") {
  std::mt19937_64 rng(2);
  std::uniform_int_distribution<std::uint64_t> factor(1, 9);
  SECTION("alpha = 0, each current row a multiple of the reference row") {
    const std::size_t x_bins = 5, y_bins = 4;
    const Counts q = random_counts(rng, x_bins * y_bins, 1);
    Counts p = q;
    for (std::size_t x = 0; x < x_bins; ++x) {
      const std::uint64_t k = factor(rng);
      for (std::size_t y = 0; y < y_bins; ++y) p[x * y_bins + y] *= k;
    }
    const ChainRuleSplit split = chain_rule_split(p, q, x_bins, y_bins, 0.0);
    CHECK(split.marginal > 0.0);
    CHECK(split.conditional == Approx(0.0).margin(1e-15));
    CHECK(split.joint == Approx(split.marginal).epsilon(1e-14));
  }
  SECTION("alpha > 0, rows uniform on both sides") {
    // Smoothed uniform rows stay uniform, whatever their totals.
    const Counts q{2, 2, 2, 9, 9, 9};
    const Counts p{7, 7, 7, 1, 1, 1};
    const ChainRuleSplit split = chain_rule_split(p, q, 2, 3, 0.5);
    CHECK(split.marginal > 0.0);
    CHECK(split.conditional == Approx(0.0).margin(1e-15));
  }
}

TEST_CASE("the marginal term vanishes when the marginals agree", "[chain_rule]") {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 50; ++trial) {
    // Shuffling counts within each row keeps every row total.
    const std::size_t x_bins = 4, y_bins = 5;
    const Counts q = random_counts(rng, x_bins * y_bins, 0);
    Counts p = q;
    for (std::size_t x = 0; x < x_bins; ++x) {
      std::shuffle(p.begin() + static_cast<std::ptrdiff_t>(x * y_bins),
                   p.begin() + static_cast<std::ptrdiff_t>((x + 1) * y_bins), rng);
    }
    const ChainRuleSplit split = chain_rule_split(p, q, x_bins, y_bins, 0.5);
    CHECK(split.marginal == Approx(0.0).margin(1e-15));
    CHECK(split.conditional == Approx(split.joint).epsilon(1e-14).margin(1e-15));
  }
}

TEST_CASE("alpha = 0: honest infinities where the reference has no mass", "[chain_rule]") {
  SECTION("a reference cell is empty") {
    const ChainRuleSplit split =
        chain_rule_split(Counts{1, 1, 1, 1}, Counts{1, 0, 1, 1}, 2, 2, 0.0);
    CHECK(split.joint == kInfinity);
    CHECK(std::isfinite(split.marginal));
    CHECK(split.marginal > 0.0);
    CHECK(split.conditional_by_x[0] == kInfinity);
    CHECK(std::isfinite(split.conditional_by_x[1]));
    CHECK(split.conditional == kInfinity);
  }
  SECTION("a reference row is empty") {
    const ChainRuleSplit split =
        chain_rule_split(Counts{1, 1, 1, 1}, Counts{0, 0, 1, 1}, 2, 2, 0.0);
    CHECK(split.joint == kInfinity);
    CHECK(split.marginal == kInfinity);
    CHECK(split.conditional_by_x[0] == kInfinity);
    CHECK(split.conditional_by_x[1] == 0.0);
    CHECK(split.conditional == kInfinity);
  }
  SECTION("empty where the reference is empty too, or where only the current is") {
    const ChainRuleSplit split =
        chain_rule_split(Counts{0, 0, 3, 0, 4, 1}, Counts{0, 0, 2, 1, 2, 1}, 3, 2, 0.0);
    CHECK(std::isfinite(split.joint));
    CHECK(split.conditional_by_x[0] == 0.0);
    check_chain_rule(split);
  }
}

TEST_CASE("chain rule errors", "[chain_rule][errors]") {
  const Counts four{1, 2, 3, 4};
  SECTION("bins") {
    CHECK_THROWS_WITH(chain_rule_split({}, {}, 0, 3, 0.5),
                      "x_bins and y_bins must be at least 1 (got 0 x 3)");
    CHECK_THROWS_WITH(chain_rule_split({}, {}, 3, 0, 0.5),
                      "x_bins and y_bins must be at least 1 (got 3 x 0)");
    // The product wraps around to 2, the histograms' size.
    const std::size_t huge = std::numeric_limits<std::size_t>::max() / 2 + 2;
    CHECK_THROWS_WITH(chain_rule_split(Counts{1, 1}, Counts{1, 1}, huge, 2, 0.5),
                      Catch::Matchers::EndsWith(" x 2 bins are too many to count"));
  }
  SECTION("sizes") {
    CHECK_THROWS_WITH(chain_rule_split(Counts{1, 2, 3}, four, 2, 2, 0.5),
                      "current joint histogram has 3 cells; 2 x 2 bins need 4");
    CHECK_THROWS_WITH(chain_rule_split(four, four, 2, 3, 0.5),
                      "current joint histogram has 4 cells; 2 x 3 bins need 6");
    CHECK_THROWS_WITH(chain_rule_split(four, Counts{1, 2, 3, 4, 5}, 2, 2, 0.5),
                      "reference joint histogram has 5 cells; 2 x 2 bins need 4");
  }
  SECTION("empty sides") {
    CHECK_THROWS_WITH(chain_rule_split(Counts{0, 0, 0, 0}, four, 2, 2, 0.5),
                      "current joint histogram is empty (all counts are zero)");
    CHECK_THROWS_WITH(chain_rule_split(four, Counts{0, 0, 0, 0}, 2, 2, 0.5),
                      "reference joint histogram is empty (all counts are zero)");
  }
  SECTION("alpha") {
    for (const double alpha : {-0.5, std::numeric_limits<double>::quiet_NaN(), kInfinity}) {
      CHECK_THROWS_WITH(chain_rule_split(four, four, 2, 2, alpha),
                        Catch::Matchers::StartsWith("alpha must be a finite number >= 0"));
    }
  }
  SECTION("every error is an InputError") {
    CHECK_THROWS_AS(chain_rule_split(four, four, 2, 3, 0.5), InputError);
    CHECK_THROWS_AS(chain_rule_split(four, four, 2, 2, -1.0), InputError);
  }
}

}  // namespace
}  // namespace driftd
