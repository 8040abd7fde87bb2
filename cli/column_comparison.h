// Offline comparison of one column of a current file with the same column of
// a reference file (driftctl compare): every measure of metrics.md and the
// G-test over the column's bins (column_binning.h), and the bins that drive
// kl_pq.
// Errors (an all-missing side) throw driftd::InputError naming the column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/column_binning.h"
#include "divergence/contributions.h"
#include "divergence/divergence.h"

namespace driftd::cli {

struct ColumnCompareOptions {
  double smoothing = 0.5;
  std::size_t top_k = 3;
};

struct LabelledContribution {
  std::string label;
  BinContribution contribution;
};

struct ColumnComparison {
  std::string name;
  bool numeric = false;
  uint64_t n_reference = 0;  // present (binned) values
  uint64_t n_current = 0;
  uint64_t missing_reference = 0;
  uint64_t missing_current = 0;
  std::size_t bins = 0;
  CountComparison result;
  std::vector<LabelledContribution> top_bins;  // largest kl_pq contributions first
};

ColumnComparison compare_column(const BinnedColumn& column, const ColumnCompareOptions& options);

}  // namespace driftd::cli
