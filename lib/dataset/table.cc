#include "dataset/table.h"

#include <fast_float/fast_float.h>

#include <charconv>
#include <cstdint>
#include <iterator>
#include <utility>
#include <system_error>

#include "dataset/data_file.h"
#include "dataset/record_scanner.h"

namespace driftd {

const Column* Table::find(std::string_view name) const {
  for (const Column& column : columns_) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

Column& Table::add_column(std::string name) {
  columns_.push_back(Column{std::move(name), {}});
  return columns_.back();
}

Table read_table(const std::filesystem::path& path, std::optional<std::uint64_t> max_bytes) {
  const DataFile file = DataFile::open(path, max_bytes);
  const std::vector<std::string> names = column_names(file);
  Table table;
  for (const std::string& name : names) table.add_column(name);
  // One chunk's rows, and its cells column by column (an NDJSON file of
  // empty objects has rows and no columns).
  using Cells = std::vector<std::vector<std::optional<std::string>>>;
  using Chunk = std::pair<std::size_t, Cells>;
  std::size_t rows = 0;
  scan_records<Chunk>(
      file, names, ScanOptions{},
      [](const RecordBatch& batch) {
        Chunk chunk{batch.rows(), Cells(batch.columns())};
        Cells& cells = chunk.second;
        for (std::size_t column = 0; column < batch.columns(); ++column) {
          cells[column].reserve(batch.rows());
          for (std::size_t row = 0; row < batch.rows(); ++row) {
            cells[column].emplace_back(batch.cell(row, column));
          }
        }
        return chunk;
      },
      [&](Chunk&& chunk) {
        Cells& cells = chunk.second;
        for (std::size_t column = 0; column < cells.size(); ++column) {
          auto& values = table.column(column).values;
          values.insert(values.end(), std::make_move_iterator(cells[column].begin()),
                        std::make_move_iterator(cells[column].end()));
        }
        rows += chunk.first;
      });
  table.set_row_count(rows);
  return table;
}

std::optional<double> parse_number(std::string_view text) {
  auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, error] = fast_float::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace driftd
