// Property tests of the record scanner: random tables written as CSV and
// NDJSON by the simple writers below (independent of the scanner: they only
// know the formats' rules) read back equal, cell by cell and line by line,
// whatever the chunk size, the thread count, the projection and the SIMD
// target.
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "dataset/record_scanner.h"
#include "scan_test_support.h"

namespace driftd {
namespace {

using Cells = std::vector<std::optional<std::string>>;

struct Expected {
  std::string text;
  std::vector<std::string> names;
  std::vector<Cells> columns;        // [column][row]
  std::vector<std::uint64_t> lines;  // [row]
};

const std::vector<ScanOptions>& all_options() {
  static const std::vector<ScanOptions> options = [] {
    std::vector<ScanOptions> all;
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{64}, std::size_t{4096},
                                    ScanOptions{}.chunk_bytes}) {
      for (const unsigned threads : {1U, 2U, 3U}) all.push_back(ScanOptions{chunk, threads});
    }
    return all;
  }();
  return options;
}

template <class T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& choices) {
  return choices[rng() % choices.size()];
}

// 1 to 8 characters of the alphabet; "\xC3\xA9" (é) is one character.
std::string random_text(std::mt19937_64& rng, std::string_view alphabet) {
  std::vector<std::string_view> characters;
  for (std::size_t i = 0; i < alphabet.size();) {
    const std::size_t size = static_cast<unsigned char>(alphabet[i]) >= 0xC0 ? 2 : 1;
    characters.push_back(alphabet.substr(i, size));
    i += size;
  }
  std::string text;
  for (std::size_t n = 1 + rng() % 8; n > 0; --n) text += characters[rng() % characters.size()];
  return text;
}

// Reads `expected.text` with every option and a random projection, and
// compares.
void check_reads_back(std::mt19937_64& rng, const std::string& file_name, const Expected& expected,
                      const std::string& no_rows_error) {
  const DataFile file = DataFile::open(testing::write_file(file_name, expected.text));
  INFO("file: " << expected.text);
  if (expected.lines.empty() && file.format() == FileFormat::kNdjson) {
    CHECK_THROWS_WITH(column_names(file), no_rows_error);  // its keys need the records
    return;
  }
  REQUIRE(column_names(file, 1 + static_cast<unsigned>(rng() % 3)) == expected.names);
  // A random subset of the columns in a random order.
  std::vector<std::size_t> projection(expected.names.size());
  for (std::size_t i = 0; i < projection.size(); ++i) projection[i] = i;
  std::shuffle(projection.begin(), projection.end(), rng);
  projection.resize(rng() % (projection.size() + 1));
  std::vector<std::string> projected_names;
  std::vector<Cells> projected_columns;
  for (const std::size_t column : projection) {
    projected_names.push_back(expected.names[column]);
    projected_columns.push_back(expected.columns[column]);
  }
  for (const ScanOptions& options : all_options()) {
    INFO("chunk_bytes " << options.chunk_bytes << ", threads " << options.threads);
    if (expected.lines.empty()) {
      CHECK_THROWS_WITH(testing::scan_all(file, expected.names, options), no_rows_error);
      continue;
    }
    const testing::Scanned all = testing::scan_all(file, expected.names, options);
    CHECK(all.columns == expected.columns);
    CHECK(all.lines == expected.lines);
    const testing::Scanned some = testing::scan_all(file, projected_names, options);
    CHECK(some.columns == projected_columns);
    CHECK(some.lines == expected.lines);
  }
}

// CSV as RFC 4180 writes it: fields with a comma, quote, CR or LF (and
// some others) quoted with quotes doubled; missing values empty or "";
// LF or CRLF; blank lines between records when the header has several
// columns; the final line feed or not.
std::string csv_field(std::mt19937_64& rng, const std::optional<std::string>& value,
                      bool missing_may_be_empty) {
  if (!value) return missing_may_be_empty && rng() % 2 == 0 ? "" : "\"\"";
  if (value->find_first_of(",\"\r\n") == std::string::npos && rng() % 4 != 0) return *value;
  std::string quoted = "\"";
  for (const char c : *value) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

Expected random_csv(std::mt19937_64& rng) {
  static const std::string alphabet = "ab1.-,\"\n\r \xC3\xA9";
  const std::size_t columns = 1 + rng() % 5;
  const std::size_t rows = rng() % 8 == 0 ? 0 : rng() % 30;
  Expected expected;
  for (std::size_t column = 0; column < columns; ++column) {
    expected.names.push_back("c" + std::to_string(column) + (rng() % 3 == 0 ? random_text(rng, alphabet) : ""));
  }
  expected.columns.assign(columns, {});
  const bool final_line_feed = rng() % 3 != 0;
  std::uint64_t line = 1;
  const auto write_record = [&](const std::vector<std::string>& fields, bool last) {
    std::string record;
    for (std::size_t i = 0; i < fields.size(); ++i) record += (i ? "," : "") + fields[i];
    if (!last || final_line_feed) record += rng() % 2 ? "\n" : "\r\n";
    expected.text += record;
    line += static_cast<std::uint64_t>(std::count(record.begin(), record.end(), '\n'));
  };
  std::vector<std::string> header;
  for (const std::string& name : expected.names) header.push_back(csv_field(rng, name, false));
  write_record(header, rows == 0);
  for (std::size_t row = 0; row < rows; ++row) {
    if (columns > 1 && rng() % 6 == 0) {
      const std::string blank = pick(rng, std::vector<std::string>{"\n", "\r\n", "\"\"\n"});
      expected.text += blank;
      ++line;
    }
    const bool last = row + 1 == rows;
    std::vector<std::string> fields;
    for (std::size_t column = 0; column < columns; ++column) {
      std::optional<std::string> value;
      if (rng() % 4 != 0) value = random_text(rng, alphabet);
      // One column: an empty line is a missing value, except at the very
      // end, where it would be no record at all.
      fields.push_back(csv_field(rng, value, !(last && !final_line_feed)));
      expected.columns[column].push_back(value);
    }
    expected.lines.push_back(line);
    write_record(fields, last);
  }
  return expected;
}

TEST_CASE("CSV written by a simple writer reads back equal, on every SIMD target",
          "[forced-scalar]") {
  std::mt19937_64 rng(20240601);
  testing::for_each_simd_target(csv_masks_implementation, [&] {
    for (int round = 0; round < 40; ++round) {
      const Expected expected = random_csv(rng);
      check_reads_back(rng, "random.csv", expected,
                       testing::test_path("random.csv").string() +
                           ": no data rows after the header");
    }
  });
}

// A JSON value as written (with random spacing) and as the scanner's cell
// (nullopt for null).
struct JsonValue {
  std::string written;
  std::optional<std::string> cell;
};

std::string json_string(std::mt19937_64& rng, const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '/' && rng() % 2) out += "\\/";
    else out += c;
  }
  return out + "\"";
}

std::string space(std::mt19937_64& rng) { return pick(rng, std::vector<std::string>{"", "", " ", "\t", "  "}); }

JsonValue random_json(std::mt19937_64& rng, int depth) {
  switch (rng() % (depth < 2 ? 7 : 5)) {
    case 0: {
      const std::string text = rng() % 8 == 0 ? "" : random_text(rng, "ab \"\\\n\t/\xC3\xA9");
      return {json_string(rng, text), text};
    }
    case 1: {
      const std::string number = pick(rng, std::vector<std::string>{
          "0", "-1", "2.5", "1e3", "-0.0", "12345678901234567890", "3.25E-2", "7"});
      return {number, number};
    }
    case 2: return rng() % 2 ? JsonValue{"true", "true"} : JsonValue{"false", "false"};
    case 3: return {"null", std::nullopt};
    case 4: {
      const std::string text = random_text(rng, "xyz");
      return {json_string(rng, text), text};
    }
    case 5: {  // an array of numbers; its cell has no spaces
      JsonValue array{"[", "["};
      const std::size_t items = rng() % 3;
      for (std::size_t i = 0; i < items; ++i) {
        const std::string number = std::to_string(rng() % 100);
        array.written += (i ? "," : "") + space(rng) + number + space(rng);
        *array.cell += (i ? "," : "") + number;
      }
      array.written += "]";
      *array.cell += "]";
      return array;
    }
    default: {  // an object; spaces inside its string stay
      const std::string text = random_text(rng, "a b");
      return {"{" + space(rng) + "\"k\"" + space(rng) + ":" + space(rng) + "\"" + text + "\"" +
                  space(rng) + "," + space(rng) + "\"n\":" + space(rng) + "null}",
              "{\"k\":\"" + text + "\",\"n\":null}"};
    }
  }
}

Expected random_ndjson(std::mt19937_64& rng) {
  // Keys as written and as read.
  static const std::vector<std::pair<std::string, std::string>> keys{
      {"\"a\"", "a"}, {"\"b\"", "b"}, {"\"c d\"", "c d"}, {"\"\\u00e9\"", "\xC3\xA9"},
      {"\"\xC3\xA9\"", "\xC3\xA9"}, {"\"x\\\"y\"", "x\"y"}, {"\"n\"", "n"}};
  Expected expected;
  const std::size_t lines = rng() % 8 == 0 ? 0 : rng() % 30;
  std::uint64_t line = 1;
  for (std::size_t row = 0; row < lines; ++row) {
    while (rng() % 5 == 0) {
      expected.text += pick(rng, std::vector<std::string>{"", "  ", "\t", "\r"}) + "\n";
      ++line;
    }
    std::vector<std::optional<std::string>> cells(expected.names.size());
    std::vector<bool> seen(expected.names.size());
    std::string object = space(rng) + "{" + space(rng);
    const std::size_t members = rng() % 5;
    for (std::size_t m = 0; m < members; ++m) {
      const auto& [written_key, key] = pick(rng, keys);
      const JsonValue value = random_json(rng, 0);
      object += (m ? "," + space(rng) : "") + written_key + space(rng) + ":" + space(rng) +
                value.written + space(rng);
      auto it = std::find(expected.names.begin(), expected.names.end(), key);
      if (it == expected.names.end()) {
        expected.names.push_back(key);
        expected.columns.emplace_back(expected.lines.size());  // missing in earlier rows
        cells.emplace_back();
        it = expected.names.end() - 1;
      }
      cells[static_cast<std::size_t>(it - expected.names.begin())] = value.cell;  // last one wins
    }
    object += "}" + space(rng);
    const bool last = row + 1 == lines;
    if (!last || rng() % 2) object += rng() % 3 ? "\n" : "\r\n";
    expected.text += object;
    for (std::size_t column = 0; column < expected.names.size(); ++column) {
      expected.columns[column].push_back(cells[column]);
    }
    expected.lines.push_back(line);
    line += static_cast<std::uint64_t>(std::count(object.begin(), object.end(), '\n'));
  }
  if (expected.text.empty()) expected.text = "\n";
  return expected;
}

TEST_CASE("NDJSON written by a simple writer reads back equal") {
  std::mt19937_64 rng(20240602);
  for (int round = 0; round < 150; ++round) {
    const Expected expected = random_ndjson(rng);
    check_reads_back(rng, "random.ndjson", expected,
                     testing::test_path("random.ndjson").string() +
                         ": empty file (no JSON records)");
  }
}

}  // namespace
}  // namespace driftd
