// Evaluation of one feature pair (X, Y) in a closed window against the
// reference's joint histogram: every measure of metrics.md and the G-test
// over the joint cells, and the chain-rule split in both orders
// (lib/joint/chain_rule.h):
//   D(P_XY || Q_XY) = D(P_X || Q_X) + sum_x P(x) D(P(Y|x) || Q(Y|x))
//                   = D(P_Y || Q_Y) + sum_y P(y) D(P(X|y) || Q(X|y)).
// The marginal term is the drift of one feature; the conditional term is the
// change in how the other depends on it, which no single-feature measure
// sees. All from the same smoothed joint (alpha on every cell), so
// joint.measures.kl_pq equals both splits' `joint` to rounding.
//
// Each term also carries its significance, what alert rules read (the
// plug-in terms are biased upwards on small windows): the marginal term's is
// calibrated_g_test() of the marginal counts, the conditional term's
// conditional_g_test() (lib/joint/conditional_g_test.h), calibrated even
// when the marginal drifted and the cells are sparse. Both from the raw
// counts; the joint's is joint->significance.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "divergence/calibrated_g_test.h"
#include "divergence/divergence.h"
#include "joint/chain_rule.h"

namespace driftd {

// The significance of the two terms of one chain-rule order, X then Y|X
// (for the y order, Y then X|Y).
struct ChainRuleTests {
  CalibratedGTest marginal;     // X's marginal moved: calibrated_g_test
  CalibratedGTest conditional;  // P(Y|x) moved for some x: conditional_g_test
};

struct PairEvaluation {
  uint64_t n = 0;           // events with both values: in a cell
  uint64_t incomplete = 0;  // events with X or Y missing or invalid
  std::vector<uint64_t> cells;  // x_bins x y_bins, row-major
  // nullopt when the window has no complete event (nothing to compare).
  std::optional<CountComparison> joint;
  std::optional<ChainRuleSplit> given_x;  // marginal of X, conditional of Y given X
  std::optional<ChainRuleSplit> given_y;  // marginal of Y, conditional of X given Y
  std::optional<ChainRuleTests> given_x_tests;  // the significance of given_x's terms
  std::optional<ChainRuleTests> given_y_tests;  // the significance of given_y's terms
  // The x bins whose conditionals moved most (given_x->conditional_by_x),
  // largest first, at most kTopConditionals, only those above 0.
  std::vector<std::size_t> top_x;
};

inline constexpr std::size_t kTopConditionals = 5;

// REQUIRES (else InputError): cells.size() == reference_cells.size() ==
// x_bins * y_bins, the reference not all zero; alpha finite and >= 0.
PairEvaluation evaluate_pair(std::span<const uint64_t> cells, uint64_t incomplete,
                             std::span<const uint64_t> reference_cells, std::size_t x_bins,
                             std::size_t y_bins, double alpha);

}  // namespace driftd
