// One read of a data file for driftctl compare: the requested columns'
// scans (column_scan.h) and the groups' moments, built chunk by chunk on
// the scanner's threads and folded in file order, so the result is the same
// whatever the number of threads.
//
// A group's row counts when every one of its columns holds a finite number;
// a row with one missing, NaN or infinite is incomplete. A present cell that
// is not a number is remembered (non_numeric), for compare_data.h to refuse
// the group.
//
// The switch from values to grids is decided as chunks are folded, in file
// order, so it does not depend on the threads either.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/column_scan.h"
#include "dataset/data_file.h"
#include "dataset/record_scanner.h"
#include "gaussian/moments.h"

namespace driftd::cli {

// What a read may keep of its kDetect columns' values: every row's until
// they would take more than keep_bytes (vectors counted as they will grow),
// then a grid of at most grid_cells cells per numeric column, on which each
// later chunk is tallied (column_scan.h).
struct ValueBudget {
  std::size_t keep_bytes = SIZE_MAX;
  std::size_t grid_cells = 2047;
};

struct GroupScan {
  MomentAccumulator moments;
  uint64_t incomplete = 0;
  std::optional<std::size_t> non_numeric;  // the group's first column with a non-number

  void fold(GroupScan&& later);
};

struct FileScan {
  std::vector<std::optional<ColumnScan>> columns;  // one per name; nullopt: not requested
  std::vector<GroupScan> groups;
};

// names: the columns to read (each once); requests: one per name, nullopt
// for a column only groups read; groups: each group's columns as indices
// into names. Errors: the reader's (dataset/record_scanner.h).
FileScan scan_file(const DataFile& file, const std::vector<std::string>& names,
                   const std::vector<std::optional<ColumnRequest>>& requests,
                   const std::vector<std::vector<std::size_t>>& groups,
                   const ScanOptions& options, const ValueBudget& budget = {});

}  // namespace driftd::cli
