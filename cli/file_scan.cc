#include "cli/file_scan.h"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <utility>

#include "dataset/table.h"

namespace driftd::cli {
namespace {

// grids: the total's grids, per column (null: none), or null.
FileScan empty_scan(const std::vector<std::optional<ColumnRequest>>& requests,
                    const std::vector<std::vector<std::size_t>>& groups,
                    const std::vector<std::shared_ptr<const ValueGrid>>* grids = nullptr) {
  FileScan scan;
  for (std::size_t c = 0; c < requests.size(); ++c) {
    const auto& request = requests[c];
    if (request && request->mode == ScanMode::kDetect && grids != nullptr && (*grids)[c]) {
      ColumnRequest with_grid = *request;
      with_grid.grid = (*grids)[c].get();
      scan.columns.emplace_back(std::in_place, with_grid);
    } else if (request) {
      scan.columns.emplace_back(std::in_place, *request);
    } else {
      scan.columns.emplace_back();
    }
  }
  for (const auto& group : groups) scan.groups.push_back({MomentAccumulator(group.size()), 0, {}});
  return scan;
}

void scan_group(const RecordBatch& batch, const std::vector<std::size_t>& columns,
                GroupScan& group) {
  std::vector<double> row(columns.size());
  for (std::size_t r = 0; r < batch.rows(); ++r) {
    bool complete = true;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const std::optional<std::string_view> cell = batch.cell(r, columns[i]);
      std::optional<double> number;
      if (cell) {
        number = parse_number(*cell);
        if (!number && !group.non_numeric) group.non_numeric = i;
      }
      row[i] = number.value_or(NAN);
      complete = complete && std::isfinite(row[i]);
    }
    if (complete) {
      group.moments.add(row);
    } else {
      ++group.incomplete;
    }
  }
}

}  // namespace

void GroupScan::fold(GroupScan&& later) {
  moments.merge(later.moments);
  incomplete += later.incomplete;
  if (!non_numeric) non_numeric = later.non_numeric;
}

FileScan scan_file(const DataFile& file, const std::vector<std::string>& names,
                   const std::vector<std::optional<ColumnRequest>>& requests,
                   const std::vector<std::vector<std::size_t>>& groups,
                   const ScanOptions& options, const ValueBudget& budget) {
  FileScan total = empty_scan(requests, groups);
  bool gridded = false;
  // Once the total has grids, the chunks scanned from then on assign their
  // values' cells on the workers. Invariant: `grids` is written once, by
  // the fold, before `grids_started` is set (release); map reads it only
  // after seeing the flag (acquire), and nobody writes it after. It holds
  // each grid to the end of the read, also when a column drops its own
  // (it turned out to hold text) while a chunk still uses it.
  std::vector<std::shared_ptr<const ValueGrid>> grids(requests.size());
  std::atomic<bool> grids_started{false};
  bool first_fold = true;
  // After the first chunk: room for the rows the file seems to hold (its
  // size over the chunk's), in each numeric column, when they fit the
  // budget: vectors then never grow past what the values need, so a file
  // that fits is not taken for one that does not by a doubling vector.
  const auto reserve_for_file = [&](const FileScan& part) {
    const auto rows = [](const FileScan& scan) {
      for (const auto& column : scan.columns) {
        if (column) return column->rows();
      }
      return uint64_t{0};
    };
    const double chunks = std::max(1.0, static_cast<double>(file.bytes().size()) /
                                            static_cast<double>(std::max<std::size_t>(1, options.chunk_bytes)));
    const auto expected = static_cast<std::size_t>(static_cast<double>(rows(part)) * chunks * 1.05) + 1;
    std::size_t numeric = 0;
    for (const auto& column : part.columns) {
      numeric += column && column->mode() == ScanMode::kDetect &&
                 column->kind() == ColumnScan::Kind::kNumeric;
    }
    if (numeric == 0 || expected * numeric * sizeof(double) > budget.keep_bytes) return;
    for (std::size_t c = 0; c < total.columns.size(); ++c) {
      const auto& column = part.columns[c];
      if (column && column->mode() == ScanMode::kDetect && column->kind() == ColumnScan::Kind::kNumeric) {
        total.columns[c]->reserve_values(expected);
      }
    }
  };
  // Before a fold, while every value is kept: whether the values with the
  // part's would take more than keep_bytes (vectors grown as they will be).
  const auto keeping_overflows = [&](const FileScan& part) {
    std::size_t bytes = 0;
    for (std::size_t c = 0; c < total.columns.size(); ++c) {
      const auto& column = total.columns[c];
      if (column && column->mode() == ScanMode::kDetect) {
        bytes += column->value_bytes_after(*part.columns[c]);
      }
    }
    return bytes > budget.keep_bytes;
  };
  scan_records<FileScan>(
      file, names, options,
      [&](const RecordBatch& batch) {
        FileScan part = empty_scan(requests, groups,
                                   grids_started.load(std::memory_order_acquire) ? &grids : nullptr);
        // Row by row: a batch stores a row's cells next to each other.
        for (std::size_t r = 0; r < batch.rows(); ++r) {
          for (std::size_t c = 0; c < part.columns.size(); ++c) {
            if (part.columns[c]) part.columns[c]->add_cell(batch.cell(r, c));
          }
        }
        for (auto& column : part.columns) {
          if (column) column->finish_chunk();
        }
        for (std::size_t g = 0; g < groups.size(); ++g) scan_group(batch, groups[g], part.groups[g]);
        return part;
      },
      [&](FileScan&& part) {
        if (first_fold) {
          reserve_for_file(part);
          first_fold = false;
        }
        if (!gridded && keeping_overflows(part)) {
          for (auto& column : total.columns) {
            if (column && column->mode() == ScanMode::kDetect) column->start_grid(budget.grid_cells);
          }
          for (std::size_t c = 0; c < total.columns.size(); ++c) {
            if (total.columns[c]) grids[c] = total.columns[c]->grid();
          }
          grids_started.store(true, std::memory_order_release);
          gridded = true;
        }
        for (std::size_t c = 0; c < total.columns.size(); ++c) {
          if (total.columns[c]) total.columns[c]->fold(std::move(*part.columns[c]));
        }
        for (std::size_t g = 0; g < groups.size(); ++g) {
          total.groups[g].fold(std::move(part.groups[g]));
        }
      });
  // Reads follow each other with state of different shapes; glibc keeps
  // what a read freed in its arenas, where the next read's allocations do
  // not always fit: give it back, so the peak is that of one read.
  ::malloc_trim(0);
  return total;
}

}  // namespace driftd::cli
