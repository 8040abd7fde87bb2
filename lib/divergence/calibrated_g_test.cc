#include "divergence/calibrated_g_test.h"

#include <algorithm>
#include <cmath>

#include "divergence/measures.h"

namespace driftd {
namespace {

// A run of adjacent bins: its two cells of the 2 x g table.
struct Group {
  double p = 0;  // window counts
  double q = 0;  // reference counts
  double column() const { return p + q; }
};

double observed_log_ratio(double observed, double expected) {
  return observed > 0 ? observed * std::log(observed / expected) : 0.0;
}

// Williams' q for a 2 x g table.
double williams(double n, double m, double inverse_columns, int dof) {
  const double total = n + m;
  return 1 + (total * (1 / n + 1 / m) - 1) * (total * inverse_columns - 1) / (6 * total * dof);
}

// G with Williams' correction, or 0 with dof 0 when a single group is left.
// G >= 0 exactly; the guard drops a rounding residue.
PooledGStatistic corrected(double g, double n, double m, double inverse_columns, int dof) {
  if (dof <= 0) return {0.0, 0};
  return {std::max(0.0, g) / williams(n, m, inverse_columns, dof), dof};
}

}  // namespace

PooledGStatistic pooled_g_statistic(std::span<const uint64_t> p, std::span<const uint64_t> q,
                                    double n, double m, std::optional<double> plain_g) {
  const double total = n + m;
  const double smaller = std::min(n, m);
  if (plain_g) {
    // Without logarithms: does every occupied bin reach the expected count alone?
    double inverse_columns = 0;
    int occupied = 0;
    bool pooling_needed = false;
    for (std::size_t k = 0; k < p.size() && !pooling_needed; ++k) {
      const double column = static_cast<double>(p[k]) + static_cast<double>(q[k]);
      if (column == 0) continue;
      pooling_needed = smaller * column / total < kMinExpectedCount;
      inverse_columns += 1 / column;
      ++occupied;
    }
    if (!pooling_needed) return corrected(*plain_g, n, m, inverse_columns, occupied - 1);
  }
  // Half of G, sum O ln(O/E), over the groups closed so far.
  auto half_g = [&](const Group& group) {
    const double column = group.column();
    return observed_log_ratio(group.p, n * column / total) +
           observed_log_ratio(group.q, m * column / total);
  };

  double g_half = 0;
  double inverse_columns = 0;  // sum over groups of 1 / C_g, for Williams' q
  int groups = 0;
  Group last;  // the last closed group, which a short remainder joins
  Group open;
  for (std::size_t k = 0; k < p.size(); ++k) {
    open.p += static_cast<double>(p[k]);
    open.q += static_cast<double>(q[k]);
    if (smaller * open.column() / total < kMinExpectedCount) continue;
    g_half += half_g(open);
    inverse_columns += 1 / open.column();
    ++groups;
    last = open;
    open = Group{};
  }
  if (open.column() > 0 && groups > 0) {
    const Group joined{last.p + open.p, last.q + open.q};
    g_half += half_g(joined) - half_g(last);
    inverse_columns += 1 / joined.column() - 1 / last.column();
  }
  return corrected(2 * g_half, n, m, inverse_columns, groups - 1);
}

CalibratedGTest calibrated_g_test(std::span<const uint64_t> p, std::span<const uint64_t> q,
                                  double n, double m, std::optional<double> plain_g) {
  const PooledGStatistic pooled = pooled_g_statistic(p, q, n, m, plain_g);
  return {pooled.dof, g_test_p_value(pooled.g_corrected, pooled.dof)};
}

}  // namespace driftd
