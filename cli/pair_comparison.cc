#include "cli/pair_comparison.h"

#include <span>
#include <utility>

#include "common/error.h"

namespace driftd::cli {
namespace {

// One file's joint table.
struct JointCounts {
  std::vector<uint64_t> cells;  // x_bins x y_bins, row-major
  uint64_t n = 0;
  uint64_t incomplete = 0;
};

JointCounts joint_counts(const BinnedColumn& x, std::span<const uint32_t> x_rows,
                         const BinnedColumn& y, std::span<const uint32_t> y_rows) {
  JointCounts out;
  out.cells.assign(x.bin_count() * y.bin_count(), 0);
  for (std::size_t row = 0; row < x_rows.size(); ++row) {
    if (x_rows[row] == x.missing_bin() || y_rows[row] == y.missing_bin()) {
      ++out.incomplete;
    } else {
      ++out.cells[x_rows[row] * y.bin_count() + y_rows[row]];
      ++out.n;
    }
  }
  return out;
}

}  // namespace

PairComparison compare_pair(const BinnedColumn& x, const BinnedColumn& y, double alpha) {
  PairComparison out;
  out.name = x.name + ":" + y.name;
  out.x = x.name;
  out.y = y.name;
  out.x_labels = x.labels;
  out.y_bins = y.bin_count();
  JointCounts reference = joint_counts(x, x.reference_rows, y, y.reference_rows);
  if (reference.n == 0) {
    throw InputError("pair '" + out.name + "': no reference row has both values");
  }
  const JointCounts current = joint_counts(x, x.current_rows, y, y.current_rows);
  out.n_reference = reference.n;
  out.incomplete_reference = reference.incomplete;
  out.evaluation = evaluate_pair(current.cells, current.incomplete, reference.cells,
                                 x.bin_count(), y.bin_count(), alpha);
  out.reference_cells = std::move(reference.cells);
  return out;
}

}  // namespace driftd::cli
