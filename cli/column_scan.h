// What one read of a file learns about one column, for driftctl compare.
//
// The scanner (dataset/record_scanner.h) hands each chunk of records to a
// worker, which fills one ColumnScan per column from the chunk's cells
// (add_cell); the chunks' scans are then folded into the file's in file
// order (fold), so the result does not depend on the number of threads.
//
// A scan runs in one of four modes, chosen per column and per read:
//  - kDetect (the reference's first read): present cells that parse as
//    numbers (dataset/table.h's parse_number) are kept as doubles, row by
//    row (NaN where the cell is missing); cells that do not are counted as
//    texts. A column with both is kind() == kMixed and keeps nothing: its
//    type is categorical (column_binning.h's rule) and it is read again in
//    kText mode.
//  - kBin (the current's read of a column numeric in the reference): numbers
//    go straight into bin counts through the reference's binner; a cell that
//    is not a number makes the column kMixed, as above.
//  - kText: every present cell is a category, counted by its text.
//  - kRefine (further reads of a reference too large to keep, for its exact
//    quantiles: histogram/rank_refinement.h): finite numbers are tallied on
//    the grid of a refinement plan's bins, and those of the bins the plan
//    collects are kept, at most max_collected of them (past that the scan
//    keeps none: the refinement reads those bins again). NaN, +-inf and
//    text are not counted.
// A kDetect scan keeps every row's value until start_grid() tells it to
// stop: it then puts the values it kept on a grid of cells at their
// quantiles (value_grid.h) and from then on only tallies each folded
// chunk's values there: counts and offsets per cell, exactly, for the
// whole file, in bounded memory (rank_refinement.h starts from them).
//
// Missing: an absent cell, and in kDetect/kBin a NaN. A text scan that sees
// more than kMaxTrackedCategories distinct values stops counting and says so
// (too_many_categories()): the column is ID-like, or too varied to compare
// as categories within a bounded memory.
//
// Thread safety: none; one scan per worker per chunk, folded on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "histogram/batch_binner.h"
#include "histogram/rank_refinement.h"
#include "cli/value_grid.h"

namespace driftd::cli {

inline constexpr std::size_t kMaxTrackedCategories = std::size_t{1} << 16;

enum class ScanMode { kDetect, kBin, kText, kRefine };

// What to read of a column, and how.
struct ColumnRequest {
  ScanMode mode = ScanMode::kDetect;
  const BatchBinner* binner = nullptr;  // kBin
  bool keep_rows = false;
  // kBin: optional, also tally the values on this grid. kRefine: REQUIRED,
  // the refinement plan's grid: its cells are the plan's bins. kDetect:
  // optional, the grid the read's total started (file_scan.h hands it to
  // the chunks scanned after): a chunk assigns its values' cells on the
  // worker, and the fold only adds them up.
  const ValueGrid* grid = nullptr;
  bool tally = true;  // kRefine: also tally the values on the grid
  const std::vector<bool>* collect = nullptr;  // kRefine: per bin of the plan
  std::size_t max_collected = 0;               // kRefine
};


// The categories of a text scan: text -> id, with each id's count.
class CategoryCounts {
 public:
  // The id of `text`, adding it when new.
  uint32_t add(std::string_view text);
  std::size_t size() const { return texts_.size(); }
  const std::vector<std::string>& texts() const { return texts_; }
  const std::vector<uint64_t>& counts() const { return counts_; }
  // Adds every category of `other`; returns the id here of each of its ids.
  std::vector<uint32_t> merge(const CategoryCounts& other);
  void clear();

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> texts_;
  std::vector<uint64_t> counts_;
};

// What a numeric column's values are: how many are finite, +-inf, their
// range, and for the ID-like rule (compare_data.h) whether every finite
// value is an integer, strictly increasing in file order.
struct NumericProfile {
  uint64_t finite = 0;
  uint64_t negative_infinite = 0;
  uint64_t positive_infinite = 0;
  double min = 0;  // of the finite values, when finite > 0
  double max = 0;
  // Sums of (x - shift) and (x - shift)^2 over the finite values, shift the
  // first of them: the variance without cancellation at large offsets.
  double shift = 0;
  double sum = 0;
  double sum_squares = 0;
  bool all_integer = true;
  bool increasing = true;
  std::optional<double> first;
  std::optional<double> last;

  void add(double value);
  void fold(const NumericProfile& later);
  // The population standard deviation of the finite values (numpy.std).
  // REQUIRES: finite > 0.
  double standard_deviation() const;
};

class ColumnScan {
 public:
  enum class Kind { kEmpty, kNumeric, kText, kMixed };
  static constexpr uint32_t kMissingRow = UINT32_MAX;  // a row's id when the cell is missing

  // request.binner: REQUIRED in kBin and kRefine modes (it outlives the
  // scan), with request.collect in kRefine.
  explicit ColumnScan(const ColumnRequest& request);
  ColumnScan(ScanMode mode, const BatchBinner* binner, bool keep_rows)
      : ColumnScan(ColumnRequest{mode, binner, keep_rows}) {}

  void add_cell(std::optional<std::string_view> cell);
  // Ends a chunk's scan, on the worker: kBin bins the values collected;
  // kDetect profiles its numbers (profile()) and, with a grid, assigns
  // their cells.
  void finish_chunk();
  // Appends `later` (the next chunk's scan of the same column and mode,
  // finished).
  void fold(ColumnScan&& later);

  ScanMode mode() const { return mode_; }
  Kind kind() const { return kind_; }
  uint64_t rows() const { return rows_; }
  uint64_t missing() const { return missing_; }

  // kDetect, numeric, not gridded: every row's value, NaN where missing.
  const std::vector<double>& values() const { return values_; }
  const NumericProfile& profile() const { return profile_; }
  // kDetect, folding the chunks of a read: from now on tally the values on
  // a grid of at most max_cells cells made from those kept so far
  // (grid_from_values), and keep none. A text column has no grid.
  void start_grid(std::size_t max_cells);
  // kDetect, not gridded: room for `rows` values.
  void reserve_values(std::size_t rows);
  bool gridded() const { return own_grid_ != nullptr; }
  // The grid (shared with the chunks of the read that still use it), and
  // moved out (grid_tally() stays).
  const std::shared_ptr<const ValueGrid>& grid() const { return own_grid_; }
  std::shared_ptr<const ValueGrid> take_grid() { return std::move(own_grid_); }
  // What the values kept take; and what they will take once
  // `later` (the next chunk's scan) is folded, vectors grown as they grow.
  std::size_t value_bytes() const;
  std::size_t value_bytes_after(const ColumnScan& later) const;
  // kRefine, kBin with a grid, and kDetect gridded: the values' tally on
  // the grid, of the
  // chunks folded into this scan (a chunk's own scan leaves it to its fold,
  // as it does kRefine's bin_counts() and collected values: they are dense
  // per column, and a read of a wide file has many chunks in flight).
  const GridTally& grid_tally() const { return tally_; }
  // kRefine: bin_counts() per bin of the plan (the last entry, NaN, unused);
  // the kept values of the collected bins, unless there were too many, for
  // RankRefinement::absorb (moved out).
  std::vector<double> take_collected() { return std::move(collected_); }
  // kBin: counts per bin, the last entry the missing rows. kRefine: see
  // collected().
  const std::vector<uint64_t>& bin_counts() const { return bin_counts_; }
  // kText (and kDetect, text): the categories.
  const CategoryCounts& categories() const { return categories_; }
  bool too_many_categories() const { return too_many_categories_; }
  // Every text a date or date-time (compare_data.h's date-like rule).
  bool all_dates() const { return all_dates_; }
  // keep_rows: each row's bin (kBin; the binner's missing slot when
  // missing) or category id (kText; kMissingRow when missing).
  const std::vector<uint32_t>& row_ids() const { return row_ids_; }

 private:
  void add_missing();
  void add_number(double value);
  void add_text(std::string_view text);
  void start_text();
  void become_mixed();
  void drop_categories();
  // Pads row_ids_ with missing rows up to rows_ (a text scan's chunks that
  // held no text kept none).
  void pad_row_ids();

  void drop_values();
  // kRefine, and kBin with a grid: counts, collects and tallies the values
  // of a finished chunk's scan (`later`), with the cells it assigned.
  void fold_pending(const ColumnScan& later);

  ScanMode mode_;
  const BatchBinner* binner_;
  bool keep_rows_;
  const ValueGrid* grid_;
  bool tally_grid_;
  const std::vector<bool>* collect_;
  std::size_t max_collected_;
  Kind kind_ = Kind::kEmpty;
  uint64_t rows_ = 0;
  uint64_t missing_ = 0;
  std::vector<double> values_;
  NumericProfile profile_;
  // kBin: values not binned yet; kRefine, and kBin with a grid, after
  // finish_chunk: the chunk's values, for the total to count and tally.
  std::vector<double> pending_;
  // Their bins (kRefine) or grid cells; kDetect with a grid: the cells of
  // values_.
  std::vector<uint32_t> pending_cells_;
  std::vector<uint64_t> bin_counts_;
  CategoryCounts categories_;
  bool too_many_categories_ = false;
  bool all_dates_ = true;
  std::vector<uint32_t> row_ids_;
  std::shared_ptr<const ValueGrid> own_grid_;  // kDetect, gridded
  GridTally tally_;
  std::vector<double> collected_;  // kRefine; capacity at most max_collected_
  bool collect_overflow_ = false;
};

// Whether `text` is a date (2024-01-31) or a date-time (2024-01-31T12:30,
// "2024-01-31 12:30:15.5", optionally with Z or an offset like +02:00).
bool looks_like_date(std::string_view text);

}  // namespace driftd::cli
