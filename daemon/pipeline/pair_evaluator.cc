#include "pipeline/pair_evaluator.h"

#include <algorithm>
#include <numeric>

#include "common/error.h"

namespace driftd {
namespace {

// The table with X and Y swapped: cell (y, x) of the result is cell (x, y).
std::vector<uint64_t> transposed(std::span<const uint64_t> cells, std::size_t x_bins,
                                 std::size_t y_bins) {
  std::vector<uint64_t> out(cells.size());
  for (std::size_t x = 0; x < x_bins; ++x) {
    for (std::size_t y = 0; y < y_bins; ++y) out[y * x_bins + x] = cells[x * y_bins + y];
  }
  return out;
}

}  // namespace

PairEvaluation evaluate_pair(std::span<const uint64_t> cells, uint64_t incomplete,
                             std::span<const uint64_t> reference_cells, std::size_t x_bins,
                             std::size_t y_bins, double alpha) {
  if (cells.size() != x_bins * y_bins || reference_cells.size() != cells.size()) {
    throw InputError("a pair's tables must have x_bins x y_bins cells");
  }
  PairEvaluation out;
  out.incomplete = incomplete;
  out.cells.assign(cells.begin(), cells.end());
  out.n = std::accumulate(cells.begin(), cells.end(), uint64_t{0});
  if (out.n == 0) return out;
  out.joint = compare_counts(cells, reference_cells, alpha);
  out.given_x = chain_rule_split(cells, reference_cells, x_bins, y_bins, alpha);
  out.given_y = chain_rule_split(transposed(cells, x_bins, y_bins),
                                 transposed(reference_cells, x_bins, y_bins), y_bins, x_bins,
                                 alpha);
  const std::vector<double>& by_x = out.given_x->conditional_by_x;
  for (std::size_t x = 0; x < x_bins; ++x) {
    if (by_x[x] > 0) out.top_x.push_back(x);
  }
  const auto larger = [&](std::size_t a, std::size_t b) {
    return by_x[a] != by_x[b] ? by_x[a] > by_x[b] : a < b;
  };
  const std::size_t kept = std::min(out.top_x.size(), kTopConditionals);
  std::partial_sort(out.top_x.begin(), out.top_x.begin() + static_cast<std::ptrdiff_t>(kept),
                    out.top_x.end(), larger);
  out.top_x.resize(kept);
  return out;
}

}  // namespace driftd
