#include "cli/file_scan.h"

#include <malloc.h>

#include <atomic>
#include <cmath>
#include <utility>

#include "dataset/table.h"

namespace driftd::cli {
namespace {

FileScan empty_scan(const std::vector<std::optional<ColumnRequest>>& requests,
                    const std::vector<std::vector<std::size_t>>& groups) {
  FileScan scan;
  for (const auto& request : requests) {
    if (request) {
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

// What the kDetect columns' values take.
std::size_t detected_bytes(const FileScan& scan) {
  std::size_t bytes = 0;
  for (const auto& column : scan.columns) {
    if (column && column->mode() == ScanMode::kDetect) bytes += column->value_bytes();
  }
  return bytes;
}

void sample_detected(FileScan& scan, uint64_t first_row, unsigned level) {
  for (auto& column : scan.columns) {
    if (column && column->mode() == ScanMode::kDetect) column->sample(first_row, level);
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
  // The sample level decided so far; 0 while every value is kept. Written by
  // the fold only, raised only; relaxed: a worker that reads an older level
  // keeps more rows than needed, which the fold drops.
  std::atomic<unsigned> level{0};
  // Before a fold, while every value is kept: whether the values with the
  // part's would take more than keep_bytes (vectors grown as they will be).
  const auto keeping_overflows = [&](const FileScan& part) {
    if (level.load(std::memory_order_relaxed) > 0) return false;
    std::size_t bytes = 0;
    for (std::size_t c = 0; c < total.columns.size(); ++c) {
      const auto& column = total.columns[c];
      if (column && column->mode() == ScanMode::kDetect) {
        bytes += column->value_bytes_after(*part.columns[c]);
      }
    }
    return bytes > budget.keep_bytes;
  };
  const auto raise_level = [&] {
    unsigned next = level.load(std::memory_order_relaxed);
    do {
      sample_detected(total, 0, ++next);
    } while (detected_bytes(total) > budget.sample_bytes && next < 63);
    level.store(next, std::memory_order_relaxed);
  };
  scan_records<FileScan>(
      file, names, options,
      [&](const RecordBatch& batch) {
        FileScan part = empty_scan(requests, groups);
        // Row by row: a batch stores a row's cells next to each other.
        for (std::size_t r = 0; r < batch.rows(); ++r) {
          for (std::size_t c = 0; c < part.columns.size(); ++c) {
            if (part.columns[c]) part.columns[c]->add_cell(batch.cell(r, c));
          }
        }
        for (auto& column : part.columns) {
          if (column) column->finish_chunk();
        }
        if (const unsigned now = level.load(std::memory_order_relaxed); now > 0) {
          sample_detected(part, batch.first_row(), now);
        }
        for (std::size_t g = 0; g < groups.size(); ++g) scan_group(batch, groups[g], part.groups[g]);
        return part;
      },
      [&](FileScan&& part) {
        if (keeping_overflows(part)) raise_level();
        for (std::size_t c = 0; c < total.columns.size(); ++c) {
          if (total.columns[c]) total.columns[c]->fold(std::move(*part.columns[c]));
        }
        for (std::size_t g = 0; g < groups.size(); ++g) {
          total.groups[g].fold(std::move(part.groups[g]));
        }
        if (level.load(std::memory_order_relaxed) > 0 && detected_bytes(total) > budget.sample_bytes) {
          raise_level();
        }
      });
  // Reads follow each other with state of different shapes; glibc keeps
  // what a read freed in its arenas, where the next read's allocations do
  // not always fit: give it back, so the peak is that of one read.
  ::malloc_trim(0);
  return total;
}

}  // namespace driftd::cli
