#include "scan_test_support.h"

#include <atomic>
#include <fstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace driftd::testing {

// One directory per process: ctest runs test cases (and the whole binary
// under DRIFTD_SIMD=scalar) in parallel processes, and a file rewritten
// while another process has it mapped would fault there (SIGBUS).
std::filesystem::path test_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("driftd_dataset_test." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

std::filesystem::path write_file(const std::string& name, const std::string& text) {
  const auto path = test_path(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

Scanned scan_all(const DataFile& file, const std::vector<std::string>& columns,
                 const ScanOptions& options) {
  struct Chunk {
    std::uint64_t first_row = 0;
    Scanned part;
  };
  Scanned scanned;
  scanned.columns.resize(columns.size());
  std::atomic<int> folding{0};
  // Catch2's assertions are not thread-safe: map throws, the test sees it.
  scan_records<Chunk>(
      file, columns, options,
      [&](const RecordBatch& batch) {
        if (batch.rows() == 0) throw std::logic_error("map got an empty batch");
        if (batch.columns() != columns.size()) throw std::logic_error("wrong column count");
        Chunk chunk{batch.first_row(), {}};
        chunk.part.columns.resize(batch.columns());
        for (std::size_t row = 0; row < batch.rows(); ++row) {
          chunk.part.lines.push_back(batch.line(row));
          for (std::size_t column = 0; column < batch.columns(); ++column) {
            const auto cell = batch.cell(row, column);
            chunk.part.columns[column].push_back(cell ? std::optional<std::string>(*cell)
                                                      : std::nullopt);
          }
        }
        return chunk;
      },
      [&](Chunk&& chunk) {
        if (folding.fetch_add(1) != 0) throw std::logic_error("two folds at once");
        if (chunk.first_row != scanned.lines.size()) throw std::logic_error("fold out of order");
        for (std::size_t column = 0; column < columns.size(); ++column) {
          auto& into = scanned.columns[column];
          into.insert(into.end(), chunk.part.columns[column].begin(),
                      chunk.part.columns[column].end());
        }
        scanned.lines.insert(scanned.lines.end(), chunk.part.lines.begin(), chunk.part.lines.end());
        ++scanned.batches;
        folding.fetch_sub(1);
      });
  return scanned;
}

}  // namespace driftd::testing
