// What a feature pair's window says in words: whether X or Y drifted on its
// own (a marginal), whether the way Y depends on X changed (the
// conditional), or both. This is the verdict no single-feature test can
// give: "relationship changed" means the conditional term is significant
// while both marginals are not.
//
// Significant: a p-value at most kVerdictPValue, from the calibrated tests
// of PairEvaluation (the marginals of X and of Y, and the stratified test of
// Y given X).
//
// Thread safety: pure functions of their arguments.
#pragma once

#include "pipeline/pair_evaluator.h"

namespace driftd {

inline constexpr double kVerdictPValue = 0.001;

enum class PairVerdict {
  kQuiet,                // nothing significant (or nothing to compare)
  kMarginalDrift,        // a marginal moved, the conditional did not
  kRelationshipChanged,  // the conditional moved, neither marginal did
  kBoth,                 // both moved
};

PairVerdict pair_verdict(const PairEvaluation& pair);

// "marginal drift", "relationship changed", "marginal drift and relationship
// changed"; nullptr for kQuiet.
const char* to_string(PairVerdict verdict);

}  // namespace driftd
