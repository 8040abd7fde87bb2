// Evaluation of one feature group in a closed window against its reference:
// the multivariate Gaussian KL split into location, shape and scale, the
// share of the location part each feature carries, and the group's
// significance (Hotelling's T^2 for the means, Box's M for the covariances;
// lib/gaussian/group_tests.h). Each result is there, or says why the
// window's rows cannot give it (too few complete rows, a singular
// covariance): a window never stops the stream.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <vector>

#include "gaussian/gaussian_kl.h"
#include "gaussian/group_tests.h"
#include "gaussian/moments.h"

namespace driftd {

struct GroupEvaluation {
  uint64_t n = 0;  // the window's complete rows
  MomentAccumulator moments{1};  // theirs: mean and covariance (a promoted window's reference)
  GroupResult<GaussianKl> gaussian;
  GroupResult<std::vector<double>> location_by_feature;  // sums to gaussian's location
  GroupResult<HotellingT2> t2;
  GroupResult<BoxM> box_m;
};

// window: the complete rows of the group in the window; reference: the
// reference's. ridge as gaussian_kl's. REQUIRES (else InputError): the same
// dimension; ridge finite and >= 0.
GroupEvaluation evaluate_group(const MomentAccumulator& window,
                               const MomentAccumulator& reference, double ridge);

}  // namespace driftd
