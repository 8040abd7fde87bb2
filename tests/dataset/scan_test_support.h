// What the dataset tests share: files in a temporary folder, a whole scan
// gathered into columns (checking the batches' bookkeeping on the way), and
// a loop over the SIMD targets of the CSV byte classifier.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/simd_target.h"
#include "dataset/csv_masks.h"
#include "dataset/record_scanner.h"
#include "support/simd_targets.h"

namespace driftd::testing {

// The file of that name in the tests' temporary folder.
std::filesystem::path test_path(const std::string& name);
// Writes `text` to test_path(name). Not while the file is open: rewriting a
// mapped file under a DataFile makes reading it raise SIGBUS.
std::filesystem::path write_file(const std::string& name, const std::string& text);

struct Scanned {
  std::vector<std::vector<std::optional<std::string>>> columns;  // [column][row]
  std::vector<std::uint64_t> lines;                               // [row]
  std::size_t batches = 0;
};

// Every batch of a scan, in fold order. Checks on the way that batches
// follow each other (first_row), have rows, and that fold sees them in
// order on one thread at a time.
Scanned scan_all(const DataFile& file, const std::vector<std::string>& columns,
                 const ScanOptions& options = {});

}  // namespace driftd::testing
