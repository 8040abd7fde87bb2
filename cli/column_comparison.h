// Offline comparison of one column of a current file with the same column of
// a reference file (driftctl compare).
//
// Type: numeric when every present value in both files parses as a number,
// else categorical. Missing values (empty cells, null, absent keys, NaN) are
// counted, never binned. Numeric bins come from the reference (quantile or
// uniform, as metrics.md defines them); categorical bins are the union of the
// categories seen in either file, most frequent first, capped at
// max_categories with the rest in __other__.
// Errors (no finite reference values, an all-missing side) throw
// driftd::InputError naming the column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dataset/table.h"
#include "divergence/contributions.h"
#include "divergence/divergence.h"

namespace driftd::cli {

enum class NumericBinningMethod { kQuantile, kUniform };

struct ColumnCompareOptions {
  std::size_t bins = 10;
  NumericBinningMethod binning = NumericBinningMethod::kQuantile;
  double smoothing = 0.5;
  std::size_t top_k = 3;
  std::size_t max_categories = 100;
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

ColumnComparison compare_column(const Column& reference, const Column& current,
                                const ColumnCompareOptions& options);

}  // namespace driftd::cli
