#include "pipeline/pair_verdict.h"

namespace driftd {
namespace {

bool significant(const CalibratedGTest& test) { return test.p_value <= kVerdictPValue; }

}  // namespace

PairVerdict pair_verdict(const PairEvaluation& pair) {
  if (!pair.given_x_tests || !pair.given_y_tests) return PairVerdict::kQuiet;
  const bool marginal =
      significant(pair.given_x_tests->marginal) || significant(pair.given_y_tests->marginal);
  const bool conditional = significant(pair.given_x_tests->conditional);
  if (marginal && conditional) return PairVerdict::kBoth;
  if (marginal) return PairVerdict::kMarginalDrift;
  if (conditional) return PairVerdict::kRelationshipChanged;
  return PairVerdict::kQuiet;
}

const char* to_string(PairVerdict verdict) {
  switch (verdict) {
    case PairVerdict::kMarginalDrift: return "marginal drift";
    case PairVerdict::kRelationshipChanged: return "relationship changed";
    case PairVerdict::kBoth: return "marginal drift and relationship changed";
    case PairVerdict::kQuiet: break;
  }
  return nullptr;
}

}  // namespace driftd
