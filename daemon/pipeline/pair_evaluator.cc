#include "pipeline/pair_evaluator.h"

#include <algorithm>
#include <numeric>

#include "common/error.h"
#include "joint/conditional_g_test.h"

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

// The first feature's marginal counts: the row sums of a row-major table.
std::vector<uint64_t> row_totals(std::span<const uint64_t> cells, std::size_t rows,
                                 std::size_t columns) {
  std::vector<uint64_t> totals(rows, 0);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns; ++c) totals[r] += cells[r * columns + c];
  }
  return totals;
}

// The significance of the split with the rows' feature first: its marginal,
// then the columns' feature given it. REQUIRES: n and m, the tables' totals,
// > 0.
ChainRuleTests chain_rule_tests(std::span<const uint64_t> cells,
                                std::span<const uint64_t> reference_cells, std::size_t rows,
                                std::size_t columns, double n, double m) {
  return {calibrated_g_test(row_totals(cells, rows, columns),
                            row_totals(reference_cells, rows, columns), n, m),
          conditional_g_test(cells, reference_cells, rows, columns)};
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
  const double n = static_cast<double>(out.joint->n_p);
  const double m = static_cast<double>(out.joint->n_q);
  out.given_x = chain_rule_split(cells, reference_cells, x_bins, y_bins, alpha);
  out.given_x_tests = chain_rule_tests(cells, reference_cells, x_bins, y_bins, n, m);
  const std::vector<uint64_t> cells_by_y = transposed(cells, x_bins, y_bins);
  const std::vector<uint64_t> reference_by_y = transposed(reference_cells, x_bins, y_bins);
  out.given_y = chain_rule_split(cells_by_y, reference_by_y, y_bins, x_bins, alpha);
  out.given_y_tests = chain_rule_tests(cells_by_y, reference_by_y, y_bins, x_bins, n, m);
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
