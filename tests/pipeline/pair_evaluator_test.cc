// A pair's evaluation: the joint comparison is the single-feature
// comparison of the flattened cells; both chain-rule orders split the same
// joint divergence; the marginals match compare_counts() of the marginal
// histograms at alpha = 0; a changed relationship with unchanged marginals
// shows in the conditional term and its x bins.
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
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

TEST_CASE("A window without a complete event is not compared; bad shapes are refused") {
  const std::vector<uint64_t> zero(4, 0);
  const std::vector<uint64_t> q{1, 2, 3, 4};
  const PairEvaluation e = evaluate_pair(zero, 12, q, 2, 2, 0.5);
  CHECK(e.n == 0);
  CHECK(e.incomplete == 12);
  CHECK_FALSE(e.joint.has_value());
  CHECK_FALSE(e.given_x.has_value());
  CHECK_THROWS_AS(evaluate_pair(q, 0, q, 3, 2, 0.5), InputError);
}

}  // namespace
}  // namespace driftd
