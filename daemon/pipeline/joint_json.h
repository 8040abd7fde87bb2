// Rendering of a feature pair's and a feature group's evaluation
// (pair_evaluator.h, group_evaluator.h) as JSON, in one shape wherever they
// appear: `driftctl compare --pairs/--groups` now, the daemon's API and alert
// evidence later. It depends on the evaluations only, never on where the
// data came from; the caller passes the names and labels the evaluations do
// not hold, and adds its own keys (the pair's or group's name...) around
// the object returned. The layout is documented in docs/api.md, "Feature
// pairs and groups".
//
// Pair:
//   {"n", "incomplete",
//    "joint":   every measure and significance field (add_measures_json),
//    "given_x": {"marginal", "conditional", "joint",   // X's drift, Y given X
//                "p_value_marginal", "dof_marginal",   // their tests
//                "p_value_conditional", "dof_conditional"},
//    "given_y": {... the same},                        // Y's drift, X given Y
//    "top_x":   [{"bin", "label", "contribution"}]}    // PairEvaluation::top_x
// "joint", "given_x" and "given_y" are null when the window has no complete
// event. Group:
//   {"n",
//    "mean":                [d values], or null below 2 complete rows,
//    "covariance":          [d rows of d values] (ddof 1), or null likewise,
//    "gaussian":            {"kl", "location", "shape", "scale"},
//    "location_by_feature": {feature: c_i, ...},
//    "t2":                  {"statistic", "f", "dof1", "dof2", "p_value"},
//    "box_m":               {"statistic", "uncorrected", "dof", "p_value"}}
// where each of the last four is, instead, {"problem", "reason"} when the
// data give no value (GroupResult): "problem" is "too_few_rows" or
// "singular_covariance", "reason" the evaluator's sentence.
//
// Infinite numbers (a pair compared without smoothing) are written as null
// and their keys listed in an "infinite" array of the object that holds
// them, as add_measures_json does. A group's values are always finite.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/group_evaluator.h"
#include "pipeline/pair_evaluator.h"

namespace driftd {

// x_labels: the label of each of X's bins ("[1.5, 2.25)" or a category).
// REQUIRES (else InputError): every bin of pair.top_x has a label.
nlohmann::ordered_json pair_json(const PairEvaluation& pair,
                                 std::span<const std::string> x_labels);

// A row-major joint table (x_bins x y_bins) as one array of y counts per x
// bin: [[c(0,0), c(0,1), ...], [c(1,0), ...], ...].
nlohmann::ordered_json cells_json(std::span<const uint64_t> cells, std::size_t y_bins);

// features: the group's feature names, in the evaluation's order.
// REQUIRES (else InputError): as many names as location_by_feature has
// values, when it has them.
nlohmann::ordered_json group_json(const GroupEvaluation& group,
                                  std::span<const std::string> features);

}  // namespace driftd
