// A column-oriented table read from a CSV or NDJSON file, every cell a
// string, for small offline work (the daemon's file references, tests).
// Built on the record scanner (record_scanner.h), which states what a cell
// is; large files are better scanned chunk by chunk with it directly.
//
// CSV: the first record is the header; every other record must have exactly
// as many fields. An empty field is a missing value.
// NDJSON: one JSON object per non-blank line; the columns are the union of
// the top-level keys in order of first appearance. An absent key or null is a
// missing value; strings are unescaped, numbers and booleans are their JSON
// text as written, arrays and objects their compact JSON text.
// The format is chosen by extension (.csv; .ndjson, .jsonl, .json), else by
// the first non-blank character ('{' means NDJSON).
//
// Errors throw driftd::InputError with "PATH:LINE: problem" (or "PATH:
// problem" when no line applies): unreadable file, empty file, ragged row,
// unterminated quote, invalid JSON, a line that is not an object, duplicate
// header names (record_scanner.h and data_file.h list the messages).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace driftd {

struct Column {
  std::string name;
  std::vector<std::optional<std::string>> values;  // nullopt: missing
};

class Table {
 public:
  const std::vector<Column>& columns() const { return columns_; }
  std::size_t row_count() const { return row_count_; }
  // nullptr when the table has no such column.
  const Column* find(std::string_view name) const;

  Column& column(std::size_t index) { return columns_[index]; }
  // Appends a column; REQUIRES: no column of that name yet.
  Column& add_column(std::string name);
  void set_row_count(std::size_t rows) { row_count_ = rows; }

 private:
  std::vector<Column> columns_;
  std::size_t row_count_ = 0;
};

// With `max_bytes`, only a regular file of at most that many bytes is read
// ("PATH: not a regular file ...", "PATH: N bytes, more than the limit of
// M"): a device such as /dev/zero or a pipe never ends, and the table holds
// every cell as a string, several times the file's size in memory.
Table read_table(const std::filesystem::path& path,
                 std::optional<std::uint64_t> max_bytes = std::nullopt);

// The value as a number when the whole text (surrounding blanks allowed) is
// one: decimal or exponent notation, optional sign, "inf", "nan". The one
// definition of "is a number": std::from_chars's grammar and its correctly
// rounded value (plain decimals by Clinger's fast path, the rest by
// fast_float), except that a magnitude beyond the double range is +-inf, and one below
// it +-0, as strtod and Python's float() give them (from_chars refuses
// them). Allocates nothing.
std::optional<double> parse_number(std::string_view text);

}  // namespace driftd
