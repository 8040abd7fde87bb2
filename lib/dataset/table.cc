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

namespace {

// 10^0 to 10^22: every one exactly a double.
constexpr double kExactPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// Clinger's fast path for the common spelling, -?d+(.d+)? with at most 19
// digits: when the digits as an integer are at most 2^53 and at most 22 of
// them follow the point, the value is the quotient of two exact doubles,
// which IEEE division rounds correctly, as fast_float does. False when the
// text is not of that form (the caller asks fast_float). Faster than
// fast_float on the short decimals of typical CSV cells (11 against 14 ns).
bool parse_plain_decimal(std::string_view text, double& value) {
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  p += negative;
  std::uint64_t digits = 0;
  int count = 0;
  const auto read_digits = [&] {
    const char* const first = p;
    for (; p != end && static_cast<unsigned char>(*p - '0') < 10; ++p) {
      digits = digits * 10 + static_cast<unsigned>(*p - '0');
    }
    count += static_cast<int>(p - first);
    return static_cast<int>(p - first);
  };
  if (read_digits() == 0) return false;
  int fraction = 0;
  if (p != end && *p == '.') {
    ++p;
    fraction = read_digits();
    if (fraction == 0) return false;
  }
  if (p != end || count > 19 || fraction > 22 || digits > (std::uint64_t{1} << 53)) return false;
  const double magnitude = static_cast<double>(digits) / kExactPowersOfTen[fraction];
  value = negative ? -magnitude : magnitude;
  return true;
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  if (parse_plain_decimal(text, value)) return value;
  const auto [end, error] = fast_float::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace driftd
