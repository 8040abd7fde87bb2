// How driftctl compare bins one column of the reference and current files:
// the column's type, its bins and their labels, and each side's counts per
// bin. A column's own comparison (column_comparison.h) takes these counts,
// and a feature pair's joint table (pair_comparison.h) crosses the rows'
// bins, so both see exactly the same bins.
//
// Type: numeric when every present value in both files parses as a number
// (dataset/table.h's parse_number), else categorical. Missing values (empty
// cells, null, absent keys, NaN) get no bin. Numeric bins come from the
// reference (quantile or uniform, as metrics.md defines them; +-inf land in
// the end bins); categorical bins are the union of the categories seen in
// either file, most frequent first, capped at max_categories with the rest
// in __other__. The values come from column scans (column_scan.h); which
// scans are made, and in what mode, is compare_data.h's business.
// Errors (no finite reference value, no present value at all) throw
// driftd::InputError naming the column: "column 'amount': ...".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/column_scan.h"
#include "divergence/cdf_distances.h"
#include "histogram/numeric_binning.h"

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
  std::vector<double> edges;             // numeric: the interior edges (numeric_binning.h)
  std::vector<uint64_t> reference_counts;  // per bin
  std::vector<uint64_t> current_counts;
  uint64_t reference_missing = 0;
  uint64_t current_missing = 0;
  // For the columns of feature pairs only (else empty): the bin of each row,
  // or missing_bin().
  std::vector<uint32_t> reference_rows;
  std::vector<uint32_t> current_rows;
  // Numeric, when both sides have a finite value: KS and Wasserstein on the
  // value scale (divergence/cdf_distances.h), and the reference's standard
  // deviation (of its finite values) to normalise the latter.
  std::optional<CdfDistances> value_distances;
  double reference_std = 0;

  std::size_t bin_count() const { return labels.size(); }
  uint32_t missing_bin() const { return static_cast<uint32_t>(labels.size()); }
};

// The bins of a numeric column from its reference values (NaN: missing).
NumericBinning numeric_binning(const std::string& column, const std::vector<double>& reference,
                               const ColumnBinningOptions& options);

// One side of a numeric column: counts per bin, the missing rows last, and
// for the columns of feature pairs each row's bin (the binner's missing
// slot when missing).
struct NumericCounts {
  std::vector<uint64_t> counts;
  std::vector<uint32_t> rows;
};

// The counts of values kept by a kDetect scan.
NumericCounts count_values(const BatchBinner& binner, const std::vector<double>& values,
                           bool with_rows);
// The counts of a kBin scan.
NumericCounts counts_of_scan(const ColumnScan& scan);

// A numeric column from its bins and both sides' counts.
BinnedColumn bin_numeric(const std::string& name, const NumericBinning& binning,
                         NumericCounts reference, NumericCounts current);

// A categorical column: both scans kText (or kDetect, text). with_rows: as
// above (both scans kept them).
BinnedColumn bin_categorical(const std::string& name, const ColumnScan& reference,
                             const ColumnScan& current, const ColumnBinningOptions& options,
                             bool with_rows);

}  // namespace driftd::cli
