#include "histogram/scalar_binner.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace driftd {
namespace {

std::size_t scalar_bin_of(std::span<const double> edges, double x) {
  if (std::isnan(x)) return edges.size() + 1;
  return static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin());
}

}  // namespace

void scalar_count_bins(std::span<const double> edges, std::span<const double> values,
                       std::span<std::uint64_t> counts) {
  for (double x : values) ++counts[scalar_bin_of(edges, x)];
}

void scalar_assign_bins(std::span<const double> edges, std::span<const double> values,
                        std::span<std::uint32_t> bins_out) {
  std::transform(values.begin(), values.end(), bins_out.begin(), [edges](double x) {
    return static_cast<std::uint32_t>(scalar_bin_of(edges, x));
  });
}

}  // namespace driftd
