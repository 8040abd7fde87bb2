#include "divergence/false_discovery.h"

#include <algorithm>
#include <numeric>

namespace driftd {

std::vector<bool> benjamini_hochberg(std::span<const double> p_values, double q) {
  const std::size_t m = p_values.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  std::size_t rejected = 0;  // the largest k with p_(k) <= k q / m
  for (std::size_t k = 1; k <= m; ++k) {
    if (p_values[order[k - 1]] <= static_cast<double>(k) * q / static_cast<double>(m)) {
      rejected = k;
    }
  }
  std::vector<bool> significant(m, false);
  for (std::size_t k = 0; k < rejected; ++k) significant[order[k]] = true;
  return significant;
}

}  // namespace driftd
