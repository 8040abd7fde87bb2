// ColumnScan: what one read learns about a column, chunk by chunk; folding
// chunks must give what one scan of all cells gives, wherever the chunks
// are cut.
#include "cli/column_scan.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "dataset/table.h"

namespace driftd::cli {
namespace {

using Cell = std::optional<std::string>;

ColumnScan scan_cells(const std::vector<Cell>& cells, ScanMode mode, const BatchBinner* binner,
                      bool keep_rows, std::size_t from = 0, std::size_t to = SIZE_MAX) {
  ColumnScan scan(mode, binner, keep_rows);
  for (std::size_t i = from; i < std::min(to, cells.size()); ++i) {
    scan.add_cell(cells[i] ? std::optional<std::string_view>(*cells[i]) : std::nullopt);
  }
  scan.finish_chunk();
  return scan;
}

// The scan of `cells` folded from chunks cut at `cuts`.
ColumnScan folded(const std::vector<Cell>& cells, const std::vector<std::size_t>& cuts,
                  ScanMode mode, const BatchBinner* binner, bool keep_rows) {
  ColumnScan total(mode, binner, keep_rows);
  std::size_t from = 0;
  for (const std::size_t cut : cuts) {
    total.fold(scan_cells(cells, mode, binner, keep_rows, from, cut));
    from = cut;
  }
  total.fold(scan_cells(cells, mode, binner, keep_rows, from));
  return total;
}

bool same_values(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  }
  return true;
}

void check_same(const ColumnScan& a, const ColumnScan& b) {
  CHECK(a.kind() == b.kind());
  CHECK(a.rows() == b.rows());
  if (a.kind() == ColumnScan::Kind::kMixed) return;  // keeps nothing: read again as text
  CHECK(a.missing() == b.missing());
  CHECK(same_values(a.values(), b.values()));
  CHECK(a.bin_counts() == b.bin_counts());
  CHECK(a.categories().texts() == b.categories().texts());
  CHECK(a.categories().counts() == b.categories().counts());
  CHECK(a.row_ids() == b.row_ids());
  CHECK(a.all_dates() == b.all_dates());
  CHECK(a.profile().increasing == b.profile().increasing);
  CHECK(a.profile().all_integer == b.profile().all_integer);
}

}  // namespace

TEST_CASE("a detect scan keeps numbers row by row, NaN where missing") {
  const ColumnScan scan = scan_cells({"1.5", std::nullopt, "nan", " 2 ", "+3", "-inf"},
                                     ScanMode::kDetect, nullptr, false);
  CHECK(scan.kind() == ColumnScan::Kind::kNumeric);
  CHECK(scan.rows() == 6);
  CHECK(scan.missing() == 2);
  REQUIRE(scan.values().size() == 6);
  CHECK(scan.values()[0] == 1.5);
  CHECK(std::isnan(scan.values()[1]));
  CHECK(std::isnan(scan.values()[2]));
  CHECK(scan.values()[3] == 2.0);
  CHECK(scan.values()[4] == 3.0);
  CHECK(scan.values()[5] == -INFINITY);
}

TEST_CASE("numbers and text in one column make it mixed, in either order and across chunks") {
  CHECK(scan_cells({"1", "a"}, ScanMode::kDetect, nullptr, false).kind() ==
        ColumnScan::Kind::kMixed);
  CHECK(scan_cells({"a", "1"}, ScanMode::kDetect, nullptr, false).kind() ==
        ColumnScan::Kind::kMixed);
  CHECK(scan_cells({"nan", "a"}, ScanMode::kDetect, nullptr, false).kind() ==
        ColumnScan::Kind::kMixed);
  CHECK(folded({"1", "2", "a"}, {2}, ScanMode::kDetect, nullptr, false).kind() ==
        ColumnScan::Kind::kMixed);
  CHECK(folded({"a", std::nullopt, "2"}, {2}, ScanMode::kDetect, nullptr, false).kind() ==
        ColumnScan::Kind::kMixed);
  const NumericBinning binning = NumericBinning::explicit_edges(std::vector<double>{0.0});
  const BatchBinner binner(binning);
  CHECK(scan_cells({"1", "x"}, ScanMode::kBin, &binner, false).kind() == ColumnScan::Kind::kMixed);
}

TEST_CASE("a text scan counts categories, numbers and 'nan' included, and keeps row ids") {
  const ColumnScan scan = scan_cells({"b", "1", std::nullopt, "b", "nan", ""}, ScanMode::kText,
                                     nullptr, true);
  CHECK(scan.kind() == ColumnScan::Kind::kText);
  CHECK(scan.missing() == 1);
  CHECK(scan.categories().texts() == std::vector<std::string>{"b", "1", "nan", ""});
  CHECK(scan.categories().counts() == std::vector<uint64_t>{2, 1, 1, 1});
  CHECK(scan.row_ids() == std::vector<uint32_t>{0, 1, ColumnScan::kMissingRow, 0, 2, 3});
}

TEST_CASE("a bin scan counts bins and the missing slot, and keeps each row's bin") {
  const NumericBinning binning = NumericBinning::explicit_edges(std::vector<double>{0.0, 10.0});
  const BatchBinner binner(binning);
  const ColumnScan scan =
      scan_cells({"-1", "0", std::nullopt, "10", "nan", "5"}, ScanMode::kBin, &binner, true);
  CHECK(scan.bin_counts() == std::vector<uint64_t>{1, 2, 1, 2});
  CHECK(scan.row_ids() == std::vector<uint32_t>{0, 1, 3, 2, 3, 1});
  CHECK(scan.missing() == 2);
}

TEST_CASE("folding chunks gives one scan's result wherever the chunks are cut") {
  std::mt19937_64 random(42);
  const NumericBinning binning =
      NumericBinning::explicit_edges(std::vector<double>{-1.0, 0.0, 0.5, 2.0});
  const BatchBinner binner(binning);
  for (int trial = 0; trial < 200; ++trial) {
    const int kind = trial % 3;  // numbers, text, mixed
    std::vector<Cell> cells;
    const std::size_t n = random() % 40;
    for (std::size_t i = 0; i < n; ++i) {
      const auto pick = random() % 10;
      if (pick == 0) {
        cells.emplace_back(std::nullopt);
      } else if (kind == 1 || (kind == 2 && pick == 1)) {
        cells.emplace_back("c" + std::to_string(random() % 5));
      } else {
        cells.emplace_back(std::to_string(static_cast<int>(random() % 7) - 3));
      }
    }
    std::vector<std::size_t> cuts;
    for (std::size_t at = 0; at < n; at += 1 + random() % 8) cuts.push_back(at);
    for (const ScanMode mode : {ScanMode::kDetect, ScanMode::kBin, ScanMode::kText}) {
      for (const bool keep_rows : {false, true}) {
        const BatchBinner* used = mode == ScanMode::kBin ? &binner : nullptr;
        check_same(folded(cells, cuts, mode, used, keep_rows),
                   scan_cells(cells, mode, used, keep_rows));
      }
    }
  }
}

TEST_CASE("a text scan gives up counting beyond kMaxTrackedCategories distinct values") {
  ColumnScan scan(ScanMode::kText, nullptr, true);
  for (std::size_t i = 0; i <= kMaxTrackedCategories; ++i) scan.add_cell(std::to_string(i));
  CHECK(scan.too_many_categories());
  CHECK(scan.categories().size() == 0);
  CHECK(scan.row_ids().empty());
}

TEST_CASE("the numeric profile sees integers increasing row by row, across chunks") {
  std::vector<Cell> rising;
  for (int i = 0; i < 50; ++i) rising.emplace_back(std::to_string(i * 3));
  const ColumnScan scan = folded(rising, {10, 30}, ScanMode::kDetect, nullptr, false);
  CHECK(scan.profile().increasing);
  CHECK(scan.profile().all_integer);
  rising[30] = "1";  // the first value of a later chunk below the last of the one before
  CHECK_FALSE(folded(rising, {10, 30}, ScanMode::kDetect, nullptr, false).profile().increasing);
  CHECK_FALSE(scan_cells({"1", "1.5"}, ScanMode::kDetect, nullptr, false).profile().all_integer);
}

TEST_CASE("dates and date-times are recognised, other text is not") {
  for (const char* date : {"2024-01-31", "2024-01-31T12:30", "2024-01-31 12:30:15",
                           "2024-01-31T12:30:15.123Z", "2024-01-31T12:30:15+02:00",
                           "2024-01-31T12:30:15-0500"}) {
    CHECK(looks_like_date(date));
  }
  for (const char* other : {"2024-1-31", "2024/01/31", "20240131", "2024-01-31T", "2024-01-31x",
                            "2024-01-31T12", "2024-01-31T12:30:15.Z", "DE", ""}) {
    CHECK_FALSE(looks_like_date(other));
  }
  CHECK(scan_cells({"2024-01-01", "2024-02-01T00:00"}, ScanMode::kText, nullptr, false)
            .all_dates());
  CHECK_FALSE(scan_cells({"2024-01-01", "n/a"}, ScanMode::kText, nullptr, false).all_dates());
}

TEST_CASE("a refine scan counts finite numbers by the plan's bins and keeps the collected ones") {
  const ValueGrid grid(NumericBinning::explicit_edges(std::vector<double>{0.0, 1.0}));
  const std::vector<bool> collect = {false, true, false};
  const std::vector<Cell> cells = {"-1", "0.5", std::nullopt, "nan", "inf", "0.25", "2", "x", "0"};
  const auto refine = [&](std::size_t max_collected, std::vector<std::size_t> cuts) {
    ColumnScan total(ColumnRequest{ScanMode::kRefine, nullptr, false, &grid, true, &collect, max_collected});
    std::size_t from = 0;
    cuts.push_back(cells.size());
    for (const std::size_t cut : cuts) {
      ColumnScan part(ColumnRequest{ScanMode::kRefine, nullptr, false, &grid, true, &collect, max_collected});
      for (std::size_t i = from; i < cut; ++i) {
        part.add_cell(cells[i] ? std::optional<std::string_view>(*cells[i]) : std::nullopt);
      }
      part.finish_chunk();
      total.fold(std::move(part));
      from = cut;
    }
    return total;
  };
  for (const std::vector<std::size_t>& cuts : {std::vector<std::size_t>{}, {2, 6}}) {
    ColumnScan scan = refine(10, cuts);
    CHECK(scan.bin_counts() == std::vector<uint64_t>{1, 3, 1, 0});  // NaN, inf, text: not counted
    CHECK(scan.take_collected() == std::vector<double>{0.5, 0.25, 0.0});  // bin 1's, in file order
    // The grid's tally: offsets from each cell's anchor (cell 0's is its
    // upper edge, 0).
    CHECK(scan.grid_tally().counts == std::vector<uint64_t>{1, 3, 1});
    CHECK(scan.grid_tally().offsets == std::vector<double>{-1.0, 0.75, 1.0});
    CHECK(scan.grid_tally().range.min == -1.0);
    CHECK(scan.grid_tally().range.max == 2.0);
  }
  // Past max_collected, nothing is kept (the refinement reads the bin again).
  ColumnScan over = refine(2, {2, 6});
  CHECK(over.bin_counts() == std::vector<uint64_t>{1, 3, 1, 0});
  CHECK(over.take_collected().empty());
}

}  // namespace driftd::cli
