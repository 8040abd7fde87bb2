#include "pipeline/group_evaluator.h"

#include "common/error.h"

namespace driftd {

GroupEvaluation evaluate_group(const MomentAccumulator& window,
                               const MomentAccumulator& reference, double ridge) {
  if (window.dimension() != reference.dimension()) {
    throw InputError("a group's window and reference must have the same features");
  }
  GroupEvaluation out;
  out.n = window.count();
  out.moments = window;
  try {
    out.gaussian.value = gaussian_kl(window, reference, ridge);
  } catch (const InputError& error) {
    // The dimensions agree: what is left is the window's rows (gaussian_kl.h
    // needs d + 1 on each side) or a covariance that cannot be inverted.
    const std::size_t needed = window.dimension() + 1;
    out.gaussian.problem = window.count() < needed || reference.count() < needed
                               ? GroupProblem::kTooFewRows
                               : GroupProblem::kSingularCovariance;
    out.gaussian.reason = error.what();
  }
  out.location_by_feature = location_contributions(window, reference, ridge);
  out.t2 = hotelling_t2(window, reference, ridge);
  out.box_m = box_m(window, reference, ridge);
  return out;
}

}  // namespace driftd
