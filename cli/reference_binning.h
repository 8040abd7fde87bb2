// The bins of the reference's numeric columns for driftctl compare, and the
// reference's counts in them, within a memory budget whatever the file's
// size.
//
// The first read of the reference (compare_data.h) keeps each numeric
// column's values while they fit first_read_budget(memory).keep_bytes; past
// that it puts them on a grid of cells at their quantiles and only tallies
// the rest of the file there (file_scan.h, column_scan.h). A column whose
// values were kept is binned from them (column_binning.h: numpy's quantiles
// or linspace exactly) and counted from them. A gridded column:
//  - quantile bins: histogram/rank_refinement.h starts from the grid's
//    exact counts and finds the values at the quantile ranks over further
//    reads of the reference (every gridded column in each read; usually
//    one, collecting the cells that hold the ranks), so the edges are still
//    exactly numpy's; its counts per bin follow from the ranks
//    (count_below), no read more;
//  - uniform bins: the edges follow from the finite minimum and maximum of
//    the first read; the counts take one more read, binned as the current
//    file is.
// A gridded column in a feature pair needs each row's bin: one more read
// (shared with the uniform columns').
// Each column also gets a value grid and the reference's tally on it, for
// KS and Wasserstein (divergence/cdf_distances.h): made from the kept
// values, or the first read's grid.
//
// Memory (bytes of `memory`; the phases follow each other): the first read
// keeps values up to memory / 2 (vectors counted as they will grow), then a
// grid per column (about 100 KiB: edges, binner, counts and offsets); a
// refinement read collects at most memory / 2 over all columns, less
// 192 KiB per column for its plan and grid, memory / 8 at least
// (column_scan.h drops a column's collected values past its share, and the
// refinement reads them again); then there are the chunks in flight. A
// grid made from the first rows of a file sorted or drifting along its rows
// fits the rest badly: its cells then hold more than a read can collect,
// and the refinement splits them, a read more each time. More bins mean
// more reads too: a rank's cell must be collected, and with thousands of
// ranks that is most of the column.
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

// Cells of a value grid (value_grid.h): a kept column's, and a gridded
// column's first-read grid, at most this many.
inline constexpr std::size_t kGridCells = 2047;

struct NumericReference {
  NumericBinning binning;
  std::unique_ptr<BatchBinner> binner;  // binning's
  NumericCounts counts;                 // the reference's
  std::shared_ptr<const ValueGrid> grid;  // for KS and Wasserstein
  GridTally grid_tally;                 // the reference's
};

// first_read: the first read of `reference` over `names` (kDetect scans,
// their grids taken here); columns: indices into names of the numeric
// columns to bin; with_rows[i]: column i is in a feature pair. Returns one
// entry per name, set for `columns`. reads: incremented per further read.
std::vector<std::optional<NumericReference>> bin_reference(
    const DataFile& reference, const std::vector<std::string>& names, FileScan& first_read,
    const std::vector<std::size_t>& columns, const std::vector<bool>& with_rows,
    const ColumnBinningOptions& binning, const ScanOptions& scan, std::size_t memory,
    unsigned& reads);

}  // namespace driftd::cli
