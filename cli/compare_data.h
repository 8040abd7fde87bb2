// Everything driftctl compare needs from its two files, read as few times as
// the columns allow: each compared column binned with both sides' counts
// (column_binning.h), the rows' bins of the columns in feature pairs, each
// group's moments on both sides, and the columns it chose not to compare.
//
// Reads (each one pass of dataset/record_scanner.h over the columns it
// needs, on options.threads threads):
//   1. the reference, keeping each numeric column's values (the quantile
//      edges need them) while they fit in half of `memory`, from then on
//      counting them on a grid at their quantiles, and counting each
//      categorical column's values;
//   1b. when the values did not fit: further reads of the reference until
//      the quantile edges are exact (reference_binning.h; usually one);
//   2. the current, binning numeric columns as it goes (no values kept) and
//      counting categorical ones;
//   3. only when a column holds numbers and text (in either file, so it is
//      categorical): both files again, that column read as text.
// memory (bytes) bounds the values kept (reference_binning.h), not the
// categories (at most kMaxTrackedCategories per column) nor the feature
// pairs' rows (4 bytes per row and column in a pair, each side).
// Group moments are taken in reads 1 and 2.
//
// Skipped (reported, not compared) -- only columns chosen by default, never
// one named by --columns or one in a pair or group:
//   - date-like: every present reference value a date or date-time
//     (column_scan.h's looks_like_date), which a later file never shares;
//   - ID-like: a categorical column with at least kIdLikeMinDistinct
//     distinct reference values, more than half as many as it has present
//     values (or more than kMaxTrackedCategories); or a numeric column of
//     integers strictly increasing row by row, at least kIdLikeMinDistinct
//     of them (a row number, a sequence, a sorted timestamp);
//   - a column without a present value on one side (the finite values for
//     a numeric reference).
// Named columns with those properties are compared (a named categorical
// column with more than kMaxTrackedCategories values is refused: "column
// 'id': more than 65536 distinct values; compare it by --pairs or not at
// all").
// Errors: the reader's, numeric_binning's, UsageError for a group column
// that is not numeric in both files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cli/column_binning.h"
#include "cli/joint_selection.h"
#include "dataset/data_file.h"
#include "dataset/record_scanner.h"
#include "gaussian/moments.h"

namespace driftd::cli {

inline constexpr uint64_t kIdLikeMinDistinct = 1000;

struct CompareSelection {
  std::vector<std::string> columns;  // compared one by one, in this order
  bool named = false;                // chosen by --columns: never skipped
  JointSelection joint;
};

struct SkippedColumn {
  std::string name;
  std::string reason;  // "date-like: ...", "ID-like: ...", "no present value ..."
};

struct GroupSides {
  std::vector<std::string> features;
  MomentAccumulator reference;
  MomentAccumulator current;
  uint64_t incomplete_reference = 0;
  uint64_t incomplete_current = 0;
};

struct CompareData {
  std::vector<std::string> compared;        // selection.columns minus the skipped
  std::map<std::string, BinnedColumn> binned;  // the compared columns and the pairs' columns
  std::vector<SkippedColumn> skipped;
  std::vector<GroupSides> groups;  // selection.joint.groups' order
  unsigned reference_reads = 0;
  unsigned current_reads = 0;
};

CompareData read_compare_data(const DataFile& reference, const DataFile& current,
                              const CompareSelection& selection,
                              const ColumnBinningOptions& binning, const ScanOptions& scan,
                              std::size_t memory);

}  // namespace driftd::cli
