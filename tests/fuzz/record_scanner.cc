// Fuzz target: arbitrary bytes as a CSV or NDJSON file (the format is
// sniffed as driftctl does: '{' first means NDJSON) through the record
// scanner: column_names, then scan_records on every column. Properties:
//   - the outcome (names, every cell, every row's line, or the error's
//     message) is the same whatever the chunk size (1 byte, 7 bytes, the
//     default), the thread count (1 to 3) and the SIMD target (the best one,
//     the most basic one);
//   - CSV: it is the outcome of a naive byte-at-a-time reader of the same
//     rules (below), error messages included;
//   - NDJSON: every line simdjson's DOM parser accepts as an object when
//     the scan succeeds, and no scan succeeds on a file with a line the DOM
//     parser refuses (except integers beyond 64 bits, which the DOM parser
//     refuses and the scanner reads as numbers); each string cell is the
//     DOM's string, each number cell parses to the DOM's double, each
//     true/false cell is its literal, a null is missing.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "common/error.h"
#include "dataset/data_file.h"
#include "dataset/record_scanner.h"
#include "dataset/table.h"
#include "fuzz_check.h"
#include "hwy/targets.h"

namespace driftd::fuzz {
namespace {

using Cells = std::vector<std::optional<std::string>>;

struct Outcome {
  std::vector<std::string> names;
  std::vector<Cells> rows;  // [row][column]
  std::vector<std::uint64_t> lines;
  std::string error;  // or this
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

Outcome scan(const DataFile& file, const ScanOptions& options) {
  Outcome outcome;
  try {
    outcome.names = column_names(file, options.threads);
    scan_records<Outcome>(
        file, outcome.names, options,
        [](const RecordBatch& batch) {
          Outcome part;
          for (std::size_t row = 0; row < batch.rows(); ++row) {
            Cells cells;
            for (std::size_t column = 0; column < batch.columns(); ++column) {
              const auto cell = batch.cell(row, column);
              cells.push_back(cell ? std::optional<std::string>(*cell) : std::nullopt);
            }
            part.rows.push_back(std::move(cells));
            part.lines.push_back(batch.line(row));
          }
          return part;
        },
        [&](Outcome&& part) {
          outcome.rows.insert(outcome.rows.end(), part.rows.begin(), part.rows.end());
          outcome.lines.insert(outcome.lines.end(), part.lines.begin(), part.lines.end());
        });
  } catch (const InputError& error) {
    outcome = Outcome{};
    outcome.error = error.what();
  }
  return outcome;
}

// An error as the scanner's caller sees it: what() ends at a NUL byte.
Outcome failure(const std::string& message) {
  Outcome outcome;
  outcome.error = InputError(message).what();
  return outcome;
}

// The CSV rules of record_scanner.h, one byte at a time.
Outcome naive_csv(std::string_view text, const std::string& path) {
  Outcome outcome;
  std::size_t i = 0;
  std::uint64_t line = 1;
  // One record from i: its unescaped fields; false at the end of the text.
  // Sets `error` for an unterminated quote.
  const auto next_record = [&](std::vector<std::string>& fields, std::uint64_t& record_line,
                               std::string& error) {
    fields.clear();
    if (i >= text.size()) return false;
    record_line = line;
    std::string field;
    bool quoted = false;
    std::uint64_t quote_line = 0;
    for (;; ++i) {
      if (i == text.size()) {
        if (quoted) {
          error = path + ":" + std::to_string(quote_line) + ": unterminated quoted field in column " +
                  std::to_string(fields.size() + 1);
          return true;
        }
        fields.push_back(field);
        return true;
      }
      const char c = text[i];
      if (c == '\n') ++line;
      if (quoted) {
        if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          field += c;
        }
      } else if (c == '"') {
        quoted = true;
        quote_line = line;
      } else if (c == ',') {
        fields.push_back(field);
        field.clear();
      } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      } else if (c == '\n') {
        fields.push_back(field);
        ++i;
        return true;
      } else {
        field += c;
      }
    }
  };
  std::vector<std::string> fields;
  std::uint64_t record_line = 0;
  std::string error;
  next_record(fields, record_line, error);
  const auto name_column = [&](const std::string& message) {
    // "in column N" gets the header's name when there is one.
    const std::size_t at = message.rfind("column ");
    const std::size_t column = std::stoul(message.substr(at + 7)) - 1;
    return column < outcome.names.size() ? message + " ('" + outcome.names[column] + "')" : message;
  };
  if (!error.empty()) return failure(error);
  for (const std::string& name : fields) {
    for (const std::string& earlier : outcome.names) {
      if (earlier == name) {
        return failure(path + ":1: duplicate column name '" + name + "'");
      }
    }
    outcome.names.push_back(name);
  }
  while (next_record(fields, record_line, error)) {
    if (!error.empty()) return failure(name_column(error));
    if (fields.size() == 1 && fields[0].empty() && outcome.names.size() > 1) continue;
    if (fields.size() != outcome.names.size()) {
      return failure(path + ":" + std::to_string(record_line) + ": row has " +
                     std::to_string(fields.size()) + " fields, the header has " +
                     std::to_string(outcome.names.size()));
    }
    Cells cells;
    for (const std::string& field : fields) {
      cells.push_back(field.empty() ? std::nullopt : std::optional<std::string>(field));
    }
    outcome.rows.push_back(std::move(cells));
    outcome.lines.push_back(record_line);
  }
  if (outcome.rows.empty()) return failure(path + ": no data rows after the header");
  return outcome;
}

// For a finding's report: the outcome, escaped.
void print(const char* label, const Outcome& outcome) {
  const auto escaped = [](std::string_view text) {
    std::string out;
    for (const char c : text) {
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        out += c;
      } else {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
        out += hex;
      }
    }
    return out;
  };
  std::fprintf(stderr, "%s: error '%s', names", label, escaped(outcome.error).c_str());
  for (const std::string& name : outcome.names) std::fprintf(stderr, " [%s]", escaped(name).c_str());
  for (std::size_t row = 0; row < outcome.rows.size(); ++row) {
    std::fprintf(stderr, "\n  line %llu:", static_cast<unsigned long long>(outcome.lines[row]));
    for (const auto& cell : outcome.rows[row]) {
      std::fprintf(stderr, cell ? " [%s]" : " <missing>", cell ? escaped(*cell).c_str() : "");
    }
  }
  std::fprintf(stderr, "\n");
}

bool is_blank(std::string_view line) {
  for (const char c : line) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r') return false;
  }
  return true;
}

// An integer the DOM parser cannot hold in 64 bits: 20 digits in a row.
bool has_big_integer(std::string_view line) {
  std::size_t run = 0;
  for (const char c : line) {
    run = c >= '0' && c <= '9' ? run + 1 : 0;
    if (run >= 20) return true;
  }
  return false;
}

// The line of a "PATH:LINE: ..." error, 0 for none.
std::uint64_t error_line(const std::string& error, const std::string& path) {
  if (error.rfind(path + ":", 0) != 0) return 0;
  const std::size_t at = path.size() + 1;
  if (at >= error.size() || error[at] < '0' || error[at] > '9') return 0;
  return std::stoull(error.substr(at));
}

void check_ndjson(std::string_view text, const Outcome& outcome, const std::string& path) {
  static simdjson::dom::parser parser;
  const std::uint64_t failed_line = error_line(outcome.error, path);
  std::uint64_t line = 0;
  std::size_t row = 0;
  for (std::size_t begin = 0; begin <= text.size();) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view content = text.substr(begin, end - begin);
    begin = end + 1;
    ++line;
    if (is_blank(content)) continue;
    simdjson::dom::element root;
    const simdjson::error_code error = parser.parse(simdjson::padded_string(content)).get(root);
    if (line == failed_line) {
      // The scanner's first error is on this line: the DOM parser refuses
      // it too, or finds no object there.
      FUZZ_CHECK(error || !root.is_object());
      return;
    }
    if (error) {
      FUZZ_CHECK(error == simdjson::NUMBER_ERROR &&
                 has_big_integer(content));
      ++row;  // the scanner read it; its values are not checked
      continue;
    }
    FUZZ_CHECK(root.is_object());
    if (!outcome.error.empty()) continue;  // no rows to compare
    FUZZ_CHECK(row < outcome.rows.size() && outcome.lines[row] == line);
    // With duplicate keys the last one counts.
    std::vector<std::pair<std::string_view, simdjson::dom::element>> members;
    for (const auto field : simdjson::dom::object(root)) {
      bool replaced = false;
      for (auto& member : members) {
        if (member.first == field.key) {
          member.second = field.value;
          replaced = true;
        }
      }
      if (!replaced) members.emplace_back(field.key, field.value);
    }
    for (const auto& [key, value] : members) {
      std::size_t column = 0;
      while (column < outcome.names.size() && outcome.names[column] != key) ++column;
      FUZZ_CHECK(column < outcome.names.size());
      const std::optional<std::string>& cell = outcome.rows[row][column];
      if (value.is_null()) {
        FUZZ_CHECK(!cell);
      } else if (value.is_string()) {
        FUZZ_CHECK(cell && *cell == std::string_view(value.get_string()));
      } else if (value.is_bool()) {
        FUZZ_CHECK(cell && *cell == (value.get_bool().value() ? "true" : "false"));
      } else if (value.is_number()) {
        FUZZ_CHECK(cell && parse_number(*cell) == value.get_double().value());
      } else {
        FUZZ_CHECK(cell && !cell->empty());
      }
    }
    ++row;
  }
  // No error on any line: the scan succeeded, or the file has no record.
  FUZZ_CHECK(failed_line == 0);
  FUZZ_CHECK(outcome.error.empty() ? row == outcome.rows.size() : row == 0);
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  using namespace driftd::fuzz;
  // The bytes as a file without touching the disk: a memory file, opened
  // again by its /proc path (no extension: the format is sniffed).
  static const int fd = ::memfd_create("record_scanner", 0);
  FUZZ_CHECK(fd >= 0);
  FUZZ_CHECK(::ftruncate(fd, 0) == 0);
  FUZZ_CHECK(::pwrite(fd, data, size, 0) == static_cast<ssize_t>(size));
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::optional<DataFile> file;
  try {
    file.emplace(DataFile::open(path));
  } catch (const InputError&) {
    FUZZ_CHECK(size == 0);
    return 0;
  }
  const Outcome outcome = scan(*file, ScanOptions{});
  FUZZ_CHECK(scan(*file, ScanOptions{1, 2}) == outcome);
  FUZZ_CHECK(scan(*file, ScanOptions{7, 3}) == outcome);
  const auto targets = hwy::SupportedAndGeneratedTargets();
  hwy::SetSupportedTargetsForTest(targets.back());  // the most basic one
  FUZZ_CHECK(scan(*file, ScanOptions{64, 1}) == outcome);
  hwy::SetSupportedTargetsForTest(0);

  if (file->format() == FileFormat::kCsv) {
    const Outcome naive = naive_csv(text, path);
    if (!(naive == outcome)) {
      print("scanner", outcome);
      print("naive reader", naive);
    }
    FUZZ_CHECK(naive == outcome);
  } else {
    check_ndjson(text, outcome, path);
  }
  return 0;
}
