// The bins of the reference's numeric columns for driftctl compare, and the
// reference's counts in them, within a memory budget whatever the file's
// size.
//
// The first read of the reference (compare_data.h) keeps each numeric
// column's values while they fit first_read_budget(memory).keep_bytes, and
// from then on only a sample of rows (file_scan.h). A column whose values
// were kept is binned from them (column_binning.h: numpy's quantiles or
// linspace exactly) and counted from them. A sampled column:
//  - quantile bins: histogram/rank_refinement.h finds the values at the
//    quantile ranks over further reads of the reference (every sampled
//    column in each read), so the edges are still exactly numpy's; its
//    counts per bin follow from the ranks (count_below), no read more;
//  - uniform bins: the edges follow from the finite minimum and maximum of
//    the first read; the counts take one more read, binned as the current
//    file is.
// A sampled column in a feature pair needs each row's bin: one more read
// (shared with the uniform columns').
// Each column also gets a value grid and the reference's tally on it, for
// KS and Wasserstein (divergence/cdf_distances.h): from the kept values, or
// the first refinement read (which a sampled uniform column makes too).
//
// Memory (bytes of `memory`; the phases follow each other): the first read
// keeps values up to memory / 2 (vectors counted as they will grow), or
// samples up to memory / 4 once they do not fit; a refinement read collects
// at most memory / 2 over all columns, less 192 KiB per column for its plan
// and value grid (binners, counts and tallies), memory / 8 at least
// (column_scan.h drops a column's collected values past its share, and the
// refinement reads them again); then there are the chunks in flight. More bins mean
// more reads: a rank's neighbourhood must be collected, and with thousands
// of ranks that is most of the column.
//
// Errors: InputError "column 'x': reference has no finite values", and the
// reader's.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/column_binning.h"
#include "cli/file_scan.h"
#include "cli/value_grid.h"
#include "dataset/data_file.h"
#include "dataset/record_scanner.h"
#include "histogram/batch_binner.h"
#include "histogram/numeric_binning.h"

namespace driftd::cli {

ValueBudget first_read_budget(std::size_t memory);

// Cells of the value grid (value_grid.h): at most this many, at quantiles
// of an even subsample of 8 values per cell of a kept column, or of a
// sampled column's sample (its first refinement read's bins).
inline constexpr std::size_t kGridCells = 2048;

struct NumericReference {
  NumericBinning binning;
  std::unique_ptr<BatchBinner> binner;  // binning's
  NumericCounts counts;                 // the reference's
  std::unique_ptr<ValueGrid> grid;      // for KS and Wasserstein
  GridTally grid_tally;                 // the reference's
};

// first_read: the first read of `reference` over `names` (kDetect scans,
// their samples taken here); columns: indices into names of the numeric
// columns to bin; with_rows[i]: column i is in a feature pair. Returns one
// entry per name, set for `columns`. reads: incremented per further read.
std::vector<std::optional<NumericReference>> bin_reference(
    const DataFile& reference, const std::vector<std::string>& names, FileScan& first_read,
    const std::vector<std::size_t>& columns, const std::vector<bool>& with_rows,
    const ColumnBinningOptions& binning, const ScanOptions& scan, std::size_t memory,
    unsigned& reads);

}  // namespace driftd::cli
