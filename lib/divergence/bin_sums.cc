#include "divergence/bin_sums.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace driftd {

DivergenceMeasures measures_from_bin_sums(const BinSums& sums) {
  DivergenceMeasures measures{};
  measures.kl_pq = std::max(0.0, sums.p_log_p_over_q);
  measures.kl_qp = std::max(0.0, sums.q_log_q_over_p);
  measures.jsd =
      std::clamp((sums.p_log_p_over_m + sums.q_log_q_over_m) / 2, 0.0, std::numbers::ln2);
  measures.js_distance = std::sqrt(measures.jsd);
  measures.tv = sums.abs_difference / 2;
  measures.pinsker_bound = pinsker_bound(measures.kl_pq);
  measures.hellinger = std::min(1.0, std::sqrt(sums.root_difference_squared / 2));
  measures.psi = measures.kl_pq + measures.kl_qp;
  // 0.0 - x rather than -x: a point mass has entropy +0, not -0.
  measures.entropy_p = 0.0 - sums.p_log_p;
  measures.entropy_q = 0.0 - sums.q_log_q;
  measures.cross_entropy_pq = 0.0 - sums.p_log_q;
  return measures;
}

}  // namespace driftd
