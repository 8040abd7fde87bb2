#include "divergence/rank_test.h"

#include <cmath>

namespace driftd {

RankTest rank_test(std::span<const uint64_t> p, std::span<const uint64_t> q, double n, double m) {
  const double total = n + m;
  double u = 0;
  double reference_below = 0;
  double ties = 0;  // sum of t^3 - t over bins
  for (std::size_t k = 0; k < p.size(); ++k) {
    const double pk = static_cast<double>(p[k]);
    const double qk = static_cast<double>(q[k]);
    u += pk * (reference_below + qk / 2);
    reference_below += qk;
    const double t = pk + qk;
    ties += (t - 1) * t * (t + 1);
  }
  const double variance = n * m / 12 * ((total + 1) - ties / (total * (total - 1)));
  // Zero (or a rounding residue below it) when one bin holds every value.
  if (!(variance > 0)) return {0.0, 1.0};
  const double z = (u - n * m / 2) / std::sqrt(variance);
  return {z, std::erfc(std::abs(z) / std::sqrt(2.0))};
}

}  // namespace driftd
