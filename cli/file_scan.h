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
// The decision to sample, and at which level, is taken as chunks are folded,
// in file order, so the values kept do not depend on the threads either;
// workers sample their chunk at the level last decided (an atomic the fold
// only raises), which drops only rows the fold would drop.
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
// they take more than keep_bytes, then samples (column_scan.h) at the
// lowest level that keeps them within sample_bytes.
struct ValueBudget {
  std::size_t keep_bytes = SIZE_MAX;
  std::size_t sample_bytes = SIZE_MAX;
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
