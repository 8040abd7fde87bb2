#include "joint/conditional_g_test.h"

#include <numeric>
#include <string>

#include "common/error.h"
#include "divergence/measures.h"

namespace driftd {
namespace {

// Divides instead of multiplying, so that x_bins * y_bins cannot wrap around.
bool has_shape(std::span<const std::uint64_t> counts, std::size_t x_bins, std::size_t y_bins) {
  return y_bins == 0 ? counts.empty()
                     : counts.size() % y_bins == 0 && counts.size() / y_bins == x_bins;
}

double total(std::span<const std::uint64_t> counts) {
  return static_cast<double>(std::accumulate(counts.begin(), counts.end(), std::uint64_t{0}));
}

}  // namespace

CalibratedGTest conditional_g_test(std::span<const std::uint64_t> joint_p,
                                   std::span<const std::uint64_t> joint_q, std::size_t x_bins,
                                   std::size_t y_bins) {
  if (!has_shape(joint_p, x_bins, y_bins) || !has_shape(joint_q, x_bins, y_bins)) {
    throw InputError("joint histograms of " + std::to_string(joint_p.size()) + " and " +
                     std::to_string(joint_q.size()) + " cells do not fit " +
                     std::to_string(x_bins) + " x " + std::to_string(y_bins) + " bins");
  }
  double g = 0;
  int dof = 0;
  for (std::size_t x = 0; x < x_bins; ++x) {
    const auto row_p = joint_p.subspan(x * y_bins, y_bins);
    const auto row_q = joint_q.subspan(x * y_bins, y_bins);
    const double n = total(row_p);
    const double m = total(row_q);
    if (n == 0 || m == 0) continue;  // a change of the X marginal, not of Y|x
    const PooledGStatistic row = pooled_g_statistic(row_p, row_q, n, m);
    g += row.g_corrected;
    dof += row.dof;
  }
  return {dof, g_test_p_value(g, dof)};
}

}  // namespace driftd
