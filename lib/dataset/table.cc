#include "dataset/table.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <system_error>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "dataset/csv_parser.h"

namespace driftd {
namespace {

enum class FileFormat { kCsv, kNdjson };

std::string where(const std::filesystem::path& path, std::size_t line) {
  return path.string() + ":" + std::to_string(line) + ": ";
}

FileFormat detect_format(const std::filesystem::path& path, std::istream& input) {
  const std::string extension = path.extension().string();
  if (extension == ".csv") return FileFormat::kCsv;
  if (extension == ".ndjson" || extension == ".jsonl" || extension == ".json") {
    return FileFormat::kNdjson;
  }
  char first = ' ';
  while (input.get(first) && std::isspace(static_cast<unsigned char>(first))) {
  }
  input.clear();
  input.seekg(0);
  return first == '{' ? FileFormat::kNdjson : FileFormat::kCsv;
}

Table read_csv(const std::filesystem::path& path, std::istream& input) {
  CsvParser parser(input, path.string());
  std::vector<std::string> fields;
  Table table;
  if (!parser.next_record(fields)) {
    throw InputError(path.string() + ": empty file (expected a header row)");
  }
  for (std::string& name : fields) {
    if (table.find(name) != nullptr) {
      throw InputError(where(path, 1) + "duplicate column name '" + name + "'");
    }
    table.add_column(std::move(name));
  }
  std::size_t rows = 0;
  while (parser.next_record(fields)) {
    if (fields.size() == 1 && fields[0].empty() && table.columns().size() > 1) {
      continue;  // blank line
    }
    if (fields.size() != table.columns().size()) {
      throw InputError(where(path, parser.record_line()) + "row has " +
                       std::to_string(fields.size()) + " fields, the header has " +
                       std::to_string(table.columns().size()));
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      auto& values = table.column(i).values;
      if (fields[i].empty()) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(std::move(fields[i]));
      }
    }
    ++rows;
  }
  table.set_row_count(rows);
  if (rows == 0) {
    throw InputError(path.string() + ": no data rows after the header");
  }
  return table;
}

std::string json_cell_text(const nlohmann::ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

Table read_ndjson(const std::filesystem::path& path, std::istream& input) {
  Table table;
  std::unordered_map<std::string, std::size_t> column_index;
  std::string line;
  std::size_t line_number = 0;
  std::size_t rows = 0;
  while (std::getline(input, line)) {
    ++line_number;
    if (std::all_of(line.begin(), line.end(),
                    [](unsigned char c) { return std::isspace(c); })) {
      continue;
    }
    nlohmann::ordered_json record;
    try {
      record = nlohmann::ordered_json::parse(line);
    } catch (const nlohmann::json::parse_error& error) {
      std::string detail = error.what();
      detail = detail.substr(detail.find(':') + 2);
      throw InputError(where(path, line_number) + "invalid JSON: " + detail);
    }
    if (!record.is_object()) {
      throw InputError(where(path, line_number) + "expected a JSON object, got " +
                       std::string(record.type_name()));
    }
    for (auto& [key, value] : record.items()) {
      auto [it, inserted] = column_index.try_emplace(key, table.columns().size());
      if (inserted) {
        table.add_column(key).values.resize(rows);  // earlier rows: missing
      }
      auto& values = table.column(it->second).values;
      if (value.is_null()) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(json_cell_text(value));
      }
    }
    ++rows;
    for (std::size_t i = 0; i < table.columns().size(); ++i) {
      table.column(i).values.resize(rows);  // absent keys: missing
    }
  }
  if (rows == 0) throw InputError(path.string() + ": empty file (no JSON records)");
  table.set_row_count(rows);
  return table;
}

}  // namespace

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
  std::ifstream input(path, std::ios::binary);
  if (!input) {
    throw InputError(path.string() + ": cannot open file");
  }
  if (max_bytes) {
    std::error_code error;
    const std::filesystem::file_status status = std::filesystem::status(path, error);
    if (error || !std::filesystem::is_regular_file(status)) {
      throw InputError(path.string() + ": not a regular file (a device or a pipe has no size to "
                                       "check against the limit of " +
                       std::to_string(*max_bytes) + " bytes)");
    }
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    if (error) throw InputError(path.string() + ": cannot read its size: " + error.message());
    if (size > *max_bytes) {
      throw InputError(path.string() + ": " + std::to_string(size) +
                       " bytes, more than the limit of " + std::to_string(*max_bytes));
    }
  }
  if (detect_format(path, input) == FileFormat::kNdjson) {
    return read_ndjson(path, input);
  }
  return read_csv(path, input);
}

std::optional<double> parse_number(std::string_view text) {
  auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace driftd
