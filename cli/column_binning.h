// How driftctl compare bins one column of the reference and current files:
// the column's type, its bins and their labels, and the bin of every row on
// both sides. A column's own comparison (column_comparison.h) counts these
// bins, and a feature pair's joint table (pair_comparison.h) crosses them,
// so both see exactly the same bins.
//
// Type: numeric when every present value in both files parses as a number,
// else categorical. Missing values (empty cells, null, absent keys, NaN) get
// no bin: their rows hold missing_bin(). Numeric bins come from the
// reference (quantile or uniform, as metrics.md defines them; +-inf land in
// the end bins); categorical bins are the union of the categories seen in
// either file, most frequent first, capped at max_categories with the rest
// in __other__.
// Errors (no finite reference value, no present value at all) throw
// driftd::InputError naming the column: "column 'amount': ...".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dataset/table.h"

namespace driftd::cli {

enum class NumericBinningMethod { kQuantile, kUniform };

struct ColumnBinningOptions {
  std::size_t bins = 10;  // numeric columns
  NumericBinningMethod method = NumericBinningMethod::kQuantile;
  std::size_t max_categories = 100;
};

struct BinnedColumn {
  std::string name;
  bool numeric = false;
  std::vector<std::string> labels;       // one per bin: "[1.5, 2.25)" or a category
  std::vector<uint32_t> reference_rows;  // the bin of each reference row, or missing_bin()
  std::vector<uint32_t> current_rows;    // the bin of each current row, or missing_bin()

  std::size_t bin_count() const { return labels.size(); }
  uint32_t missing_bin() const { return static_cast<uint32_t>(labels.size()); }
};

// Whether the column is numeric in both files (the type rule above).
bool is_numeric(const Column& reference, const Column& current);

// The column's values as numbers; missing cells become NaN.
// REQUIRES: every present value parses as a number (is_numeric).
std::vector<double> numeric_values(const Column& column);

BinnedColumn bin_column(const Column& reference, const Column& current,
                        const ColumnBinningOptions& options);

// The rows of one side per bin (bin_count() entries); missing rows are not
// counted.
std::vector<uint64_t> bin_counts(const BinnedColumn& column, std::span<const uint32_t> rows);

}  // namespace driftd::cli
