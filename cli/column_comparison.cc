#include "cli/column_comparison.h"

#include <numeric>

#include "common/error.h"

namespace driftd::cli {

ColumnComparison compare_column(const BinnedColumn& column, const ColumnCompareOptions& options) {
  const std::vector<uint64_t>& ref_counts = column.reference_counts;
  const std::vector<uint64_t>& cur_counts = column.current_counts;
  ColumnComparison out;
  out.name = column.name;
  out.numeric = column.numeric;
  out.bins = column.bin_count();
  out.n_reference = std::accumulate(ref_counts.begin(), ref_counts.end(), uint64_t{0});
  out.n_current = std::accumulate(cur_counts.begin(), cur_counts.end(), uint64_t{0});
  if (out.n_reference == 0) throw InputError("column '" + out.name + "': every reference value is missing");
  if (out.n_current == 0) throw InputError("column '" + out.name + "': every current value is missing");
  out.missing_reference = column.reference_missing;
  out.missing_current = column.current_missing;
  // P is the current window, Q the reference.
  out.result = compare_counts(cur_counts, ref_counts, options.smoothing,
                              out.numeric ? BinOrder::kOrdered : BinOrder::kUnordered);
  const std::vector<double> p = smoothed_probabilities(cur_counts, options.smoothing);
  const std::vector<double> q = smoothed_probabilities(ref_counts, options.smoothing);
  for (const BinContribution& contribution : top_kl_contributions(p, q, options.top_k)) {
    out.top_bins.push_back({column.labels[contribution.bin], contribution});
  }
  return out;
}

}  // namespace driftd::cli
