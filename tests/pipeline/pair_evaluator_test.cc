// A pair's evaluation: the joint comparison is the single-feature
// comparison of the flattened cells; both chain-rule orders split the same
// joint divergence; the marginals match compare_counts() of the marginal
// histograms at alpha = 0; a changed relationship with unchanged marginals
// shows in the conditional term and its x bins; each term carries its
// significance.
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "divergence/calibrated_g_test.h"
#include "joint/conditional_g_test.h"
#include "pipeline/pair_evaluator.h"

namespace driftd {
namespace {

TEST_CASE("Both chain-rule orders split the joint divergence the joint comparison measures") {
  std::mt19937_64 random(5);
  std::uniform_int_distribution<uint64_t> count(0, 50);
  for (const auto& [x_bins, y_bins] : {std::pair<std::size_t, std::size_t>{2, 3}, {4, 4}, {16, 5}}) {
    std::vector<uint64_t> p(x_bins * y_bins);
    std::vector<uint64_t> q(x_bins * y_bins);
    for (auto& c : p) c = count(random);
    for (auto& c : q) c = count(random) + 1;
    const PairEvaluation e = evaluate_pair(p, 7, q, x_bins, y_bins, 0.5);
    REQUIRE(e.joint.has_value());
    CHECK(e.n == std::accumulate(p.begin(), p.end(), uint64_t{0}));
    CHECK(e.incomplete == 7);
    const double joint = e.joint->measures.kl_pq;
    CHECK(e.given_x->joint == Approx(joint).epsilon(1e-12));
    CHECK(e.given_y->joint == Approx(joint).epsilon(1e-12));
    CHECK(e.given_x->marginal + e.given_x->conditional == Approx(joint).epsilon(1e-12));
    CHECK(e.given_y->marginal + e.given_y->conditional == Approx(joint).epsilon(1e-12));
    CHECK(e.given_y->conditional_by_x.size() == y_bins);
  }
}

TEST_CASE("The marginal terms are the features' own divergences without smoothing") {
  const std::vector<uint64_t> p{10, 20, 30, 40, 50, 60};  // 2 x 3
  const std::vector<uint64_t> q{60, 50, 40, 30, 20, 10};
  const PairEvaluation e = evaluate_pair(p, 0, q, 2, 3, 0.0);
  const std::vector<uint64_t> p_x{60, 150};
  const std::vector<uint64_t> q_x{150, 60};
  const std::vector<uint64_t> p_y{50, 70, 90};
  const std::vector<uint64_t> q_y{90, 70, 50};
  CHECK(e.given_x->marginal == Approx(compare_counts(p_x, q_x, 0.0).measures.kl_pq).epsilon(1e-12));
  CHECK(e.given_y->marginal == Approx(compare_counts(p_y, q_y, 0.0).measures.kl_pq).epsilon(1e-12));
}

TEST_CASE("A relationship that flips with unchanged marginals is all conditional") {
  // Reference: Y follows X (the diagonal); window: Y is the opposite of X.
  // Both marginals are uniform on both sides.
  const std::vector<uint64_t> q{90, 10, 10, 90};
  const std::vector<uint64_t> p{10, 90, 90, 10};
  const PairEvaluation e = evaluate_pair(p, 0, q, 2, 2, 0.5);
  CHECK(e.given_x->marginal == Approx(0.0).margin(1e-15));
  CHECK(e.given_y->marginal == Approx(0.0).margin(1e-15));
  CHECK(e.given_x->conditional > 1.0);
  CHECK(e.joint->significance.p_value < 1e-10);
  CHECK(e.top_x == std::vector<std::size_t>{0, 1});
  // Unchanged marginals (G = 0), a changed relationship in both orders.
  CHECK(e.given_x_tests->marginal.p_value == 1.0);
  CHECK(e.given_y_tests->marginal.p_value == 1.0);
  CHECK(e.given_x_tests->conditional.p_value < 1e-10);
  CHECK(e.given_y_tests->conditional.p_value < 1e-10);
}

TEST_CASE("Each term's significance: the marginal's calibrated G-test, the conditional G-test") {
  // 3 x 2, X = rows: p_x = (60, 90, 150), q_x = (100, 100, 100);
  // Y = columns: p_y = (120, 180), q_y = (150, 150).
  const std::vector<uint64_t> p{20, 40, 30, 60, 70, 80};
  const std::vector<uint64_t> q{50, 50, 40, 60, 60, 40};
  const PairEvaluation e = evaluate_pair(p, 0, q, 3, 2, 0.5);
  REQUIRE(e.given_x_tests.has_value());
  REQUIRE(e.given_y_tests.has_value());
  const auto same = [](const CalibratedGTest& a, const CalibratedGTest& b) {
    return a.dof == b.dof && a.p_value == b.p_value;
  };
  CHECK(same(e.given_x_tests->marginal,
             calibrated_g_test(std::vector<uint64_t>{60, 90, 150},
                               std::vector<uint64_t>{100, 100, 100}, 300, 300)));
  CHECK(same(e.given_x_tests->conditional, conditional_g_test(p, q, 3, 2)));
  CHECK(same(e.given_y_tests->marginal,
             calibrated_g_test(std::vector<uint64_t>{120, 180}, std::vector<uint64_t>{150, 150},
                               300, 300)));
  CHECK(same(e.given_y_tests->conditional,
             conditional_g_test(std::vector<uint64_t>{20, 30, 70, 40, 60, 80},
                                std::vector<uint64_t>{50, 40, 60, 50, 60, 40}, 2, 3)));
  CHECK(e.given_x_tests->conditional.dof == 3);  // 3 rows of 2 cells
  CHECK(e.given_y_tests->conditional.dof == 4);  // 2 rows of 3 cells
}

TEST_CASE("An x bin with no mass on one side is left to the marginal test") {
  // x = 0 only in the reference, x = 2 only in the window: of Y|x, only
  // x = 1 is tested, with y_bins - 1 = 3 degrees of freedom.
  const std::vector<uint64_t> p{0, 0, 0, 0, 40, 50, 45, 35, 30, 20, 25, 30};
  const std::vector<uint64_t> q{40, 40, 40, 40, 60, 50, 55, 65, 0, 0, 0, 0};
  const PairEvaluation e = evaluate_pair(p, 0, q, 3, 4, 0.5);
  CHECK(e.given_x_tests->conditional.dof == 3);
  CHECK(e.given_x_tests->marginal.dof == 2);
  CHECK(e.given_x_tests->marginal.p_value < 1e-20);
  // In the y order every y bin has mass on both sides: 4 rows of 3 x bins.
  CHECK(e.given_y_tests->conditional.dof == 8);
}

TEST_CASE("Top x bins: largest conditional first, only moved bins, at most five") {
  // 8 x 2: x bins 0..7; the conditional of x = 6 moved most, then 2, others not.
  std::vector<uint64_t> q(16, 50);
  std::vector<uint64_t> p(16, 50);
  p[6 * 2] = 90;
  p[6 * 2 + 1] = 10;
  p[2 * 2] = 70;
  p[2 * 2 + 1] = 30;
  const PairEvaluation e = evaluate_pair(p, 0, q, 8, 2, 0.0);
  CHECK(e.top_x == std::vector<std::size_t>{6, 2});
}

TEST_CASE("A window without a complete event is not compared, bad shapes are refused") {
  const std::vector<uint64_t> zero(4, 0);
  const std::vector<uint64_t> q{1, 2, 3, 4};
  const PairEvaluation e = evaluate_pair(zero, 12, q, 2, 2, 0.5);
  CHECK(e.n == 0);
  CHECK(e.incomplete == 12);
  CHECK_FALSE(e.joint.has_value());
  CHECK_FALSE(e.given_x.has_value());
  CHECK_FALSE(e.given_x_tests.has_value());
  CHECK_FALSE(e.given_y_tests.has_value());
  CHECK_THROWS_AS(evaluate_pair(q, 0, q, 3, 2, 0.5), InputError);
}

}  // namespace
}  // namespace driftd
