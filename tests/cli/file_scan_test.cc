// scan_file: a read past its value budget (the switch to grids decided as
// chunks fold) and a refinement read give the same counts, collected values
// and grid tallies on 1, 2 and 3 threads, and the tallies are those of
// every value of the file; a gridded column that turns to text is mixed.
// Labelled concurrency: scripts/test runs it under ThreadSanitizer.
#include "cli/file_scan.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "dataset/scan_test_support.h"
#include "dataset/table.h"

namespace driftd::cli {
namespace {

// Two numeric columns: x normal; y with empty cells and +-inf.
std::filesystem::path write_columns(std::vector<double>& x, std::vector<std::string>& y) {
  std::mt19937_64 random(8);
  std::normal_distribution<double> normal(10.0, 3.0);
  std::string text = "x,y\n";
  for (int row = 0; row < 30000; ++row) {
    x.push_back(normal(random));
    y.push_back(row % 13 == 0 ? "" : row % 101 == 0 ? "-inf" : std::to_string(normal(random)));
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.17g", x.back());
    text += std::string(buffer) + "," + y.back() + "\n";
  }
  return testing::write_file("file_scan_test.csv", text);
}

TEST_CASE("a read past its budget tallies every value on a grid, the same on any number of threads",
          "[file_scan]") {
  std::vector<double> x;
  std::vector<std::string> y;
  const DataFile file = DataFile::open(write_columns(x, y));
  const std::vector<std::string> names = {"x", "y"};
  const std::vector<std::optional<ColumnRequest>> requests = {ColumnRequest{}, ColumnRequest{}};
  // Every value (480 KB) is over keep_bytes.
  const ValueBudget budget{64 << 10, 256};
  for (const std::size_t chunk_bytes : {std::size_t{4096}, std::size_t{100000}}) {
    std::optional<FileScan> first;
    for (const unsigned threads : {1U, 2U, 3U}) {
      INFO(threads << " threads, chunks of " << chunk_bytes << " bytes");
      FileScan scan = scan_file(file, names, requests, {}, {chunk_bytes, threads}, budget);
      const ColumnScan& column = *scan.columns[0];
      REQUIRE(column.gridded());
      CHECK(column.values().empty());
      CHECK(column.profile().finite == x.size());
      CHECK(scan.columns[1]->profile().negative_infinite ==
            static_cast<uint64_t>(std::count(y.begin(), y.end(), "-inf")));
      // The tally is that of every value of the file, in file order.
      const std::shared_ptr<const ValueGrid> grid = scan.columns[0]->take_grid();
      REQUIRE(grid->cells().bin_count() > 100);  // from the values kept before the switch
      GridTally direct = grid->empty_tally();
      grid->tally(x, direct);
      CHECK(column.grid_tally().counts == direct.counts);
      CHECK(column.grid_tally().offsets == direct.offsets);
      if (!first) {
        first = std::move(scan);
        continue;
      }
      CHECK(first->columns[0]->grid_tally().counts == column.grid_tally().counts);
    }
  }
}

TEST_CASE("a gridded column that turns out to hold text is mixed, on any number of threads",
          "[file_scan]") {
  // Chunks scanned after the switch use the total's grid while the total
  // drops it: they must not outlive it (ASan and TSan run this).
  std::string text = "x\n";
  for (int row = 0; row < 30000; ++row) text += std::to_string(row % 977) + ".5\n";
  text += "not a number\n";
  const DataFile file = DataFile::open(testing::write_file("file_scan_mixed.csv", text));
  const std::vector<std::optional<ColumnRequest>> requests = {ColumnRequest{}};
  for (const unsigned threads : {1U, 2U, 3U}) {
    INFO(threads << " threads");
    const FileScan scan = scan_file(file, {"x"}, requests, {}, {4096, threads}, {16 << 10, 256});
    CHECK(scan.columns[0]->kind() == ColumnScan::Kind::kMixed);
    CHECK(scan.columns[0]->rows() == 30001);
  }
}

TEST_CASE("a refinement read counts, collects and tallies the same on any number of threads",
          "[file_scan]") {
  std::vector<double> x;
  std::vector<std::string> y;
  const DataFile file = DataFile::open(write_columns(x, y));
  const ValueGrid grid(NumericBinning::explicit_edges(std::vector<double>{5.0, 9.5, 10.0, 15.0}));
  const std::vector<bool> collect = {false, false, true, false, false};
  const std::vector<std::optional<ColumnRequest>> requests = {
      ColumnRequest{ScanMode::kRefine, nullptr, false, &grid, true, &collect, 100000}, std::nullopt};
  std::vector<double> expected;
  for (const double value : x) {
    if (value >= 9.5 && value < 10.0) expected.push_back(value);
  }
  std::optional<FileScan> first;
  for (const unsigned threads : {1U, 2U, 3U}) {
    INFO(threads << " threads");
    FileScan scan = scan_file(file, {"x", "y"}, requests, {}, {4096, threads});
    ColumnScan& column = *scan.columns[0];
    CHECK(column.bin_counts()[2] == expected.size());
    std::vector<double> kept = column.take_collected();
    CHECK(kept == expected);  // in file order
    if (!first) {
      first = std::move(scan);
      continue;
    }
    const GridTally& a = first->columns[0]->grid_tally();
    const GridTally& b = column.grid_tally();
    CHECK(a.counts == b.counts);
    CHECK(a.offsets == b.offsets);  // summed in file order: bit for bit
    CHECK(a.range.min == b.range.min);
    CHECK(a.range.max == b.range.max);
  }
}

}  // namespace
}  // namespace driftd::cli
