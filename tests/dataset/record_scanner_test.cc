#include "dataset/record_scanner.h"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "common/error.h"
#include "scan_test_support.h"

namespace driftd {
namespace {

using testing::scan_all;
using testing::write_file;
using Cells = std::vector<std::optional<std::string>>;

DataFile file_of(const std::string& name, const std::string& text) {
  return DataFile::open(write_file(name, text));
}

// Every column of the file, as the scan reads them.
testing::Scanned scan_text(const std::string& name, const std::string& text,
                           const ScanOptions& options = {}) {
  const DataFile file = file_of(name, text);
  return scan_all(file, column_names(file), options);
}

std::string error_of(const std::string& name, const std::string& text,
                     const ScanOptions& options = {}) {
  try {
    scan_text(name, text, options);
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

std::string path_of(const std::string& name) { return testing::test_path(name).string(); }

TEST_CASE("CSV: fields split on commas and records on line feeds") {
  const auto scanned = scan_text("split.csv", "a,b,c\n1,2,3\n4,5,6\n");
  CHECK(scanned.columns == std::vector<Cells>{{"1", "4"}, {"2", "5"}, {"3", "6"}});
  CHECK(scanned.lines == std::vector<std::uint64_t>{2, 3});
}

TEST_CASE("CSV: the last record needs no line feed, CRLF is not part of the fields") {
  CHECK(scan_text("last.csv", "a,b\n1,2").columns == std::vector<Cells>{{"1"}, {"2"}});
  CHECK(scan_text("crlf.csv", "a,b\r\n1,2\r\n").columns == std::vector<Cells>{{"1"}, {"2"}});
  // A CR that does not end a line, or that is quoted, is text.
  CHECK(scan_text("cr.csv", "a,b\n1\r2,\"3\r\"\r\n\"4\r\n\",5\r").columns ==
        std::vector<Cells>{{"1\r2", "4\r\n"}, {"3\r", "5\r"}});
}

TEST_CASE("CSV: quoted fields hold commas, quotes and line feeds, quotes are removed") {
  const auto scanned =
      scan_text("quoted.csv", "x,y\n\"a,b\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n");
  CHECK(scanned.columns == std::vector<Cells>{{"a,b", "multi\nline"}, {"say \"hi\"", "z"}});
  // Quotes anywhere in a field open and close quoted sections.
  CHECK(scan_text("mid.csv", "x,y\nab\"c,d\"e,\"a\"x\"b\"\n\"\"\"\",\"a\"\"\"\n").columns ==
        std::vector<Cells>{{"abc,de", "\""}, {"axb", "a\""}});
}

TEST_CASE("CSV: empty fields and empty quoted fields are missing") {
  const auto scanned = scan_text("empty.csv", "a,b,c\n,,\n\"\",x,\"\"\n");
  CHECK(scanned.columns == std::vector<Cells>{{std::nullopt, std::nullopt},
                                              {std::nullopt, "x"},
                                              {std::nullopt, std::nullopt}});
}

TEST_CASE("CSV: blank lines are skipped, except with one column where they are missing values") {
  const auto wide = scan_text("blank.csv", "a,b\n\n1,2\r\n\r\n\"\"\n3,4\n\n");
  CHECK(wide.columns == std::vector<Cells>{{"1", "3"}, {"2", "4"}});
  CHECK(wide.lines == std::vector<std::uint64_t>{3, 6});
  const auto narrow = scan_text("blank1.csv", "a\n1\n\n\"\"\n2\n");
  CHECK(narrow.columns == std::vector<Cells>{{"1", std::nullopt, std::nullopt, "2"}});
}

TEST_CASE("CSV: a record's line counts the line feeds inside quoted fields before it") {
  const auto scanned = scan_text("lines.csv", "h\n\"a\nb\"\nc\n");
  CHECK(scanned.columns == std::vector<Cells>{{"a\nb", "c"}});
  CHECK(scanned.lines == std::vector<std::uint64_t>{2, 4});
  // A header with a line feed in a quoted name: data starts on line 3.
  const auto header = scan_text("header_lines.csv", "\"x\ny\",z\n1,2\n");
  CHECK(header.lines == std::vector<std::uint64_t>{3});
  CHECK(column_names(file_of("header_names.csv", "\"x\ny\",\"a,\"\"b\"\"\"\n1,2\n")) ==
        std::vector<std::string>{"x\ny", "a,\"b\""});
}

TEST_CASE("CSV: an unterminated quote is an error naming the line and column where it opened") {
  CHECK(error_of("open.csv", "a\nb\n\"open,\nmore\n") ==
        path_of("open.csv") + ":3: unterminated quoted field in column 1 ('a')");
  CHECK(error_of("open2.csv", "a,b\n1,2\n3,\"x\"\"\n") ==
        path_of("open2.csv") + ":3: unterminated quoted field in column 2 ('b')");
  // "" inside quotes is a quote, not a close and an open (fuzzing found it).
  CHECK(error_of("open4.csv", "h\n\"x\n\"\"\n\"\"\"\"y\n") ==
        path_of("open4.csv") + ":2: unterminated quoted field in column 1 ('h')");
  CHECK(error_of("open5.csv", "h\n\"x\"\n\"\"\"y\n") ==
        path_of("open5.csv") + ":3: unterminated quoted field in column 1 ('h')");
  CHECK_THROWS_WITH(column_names(file_of("open3.csv", "a,\"b\n1\n")),
                    path_of("open3.csv") + ":1: unterminated quoted field in column 2");
}

TEST_CASE("CSV: header problems and files without data rows") {
  CHECK_THROWS_WITH(column_names(file_of("dup.csv", "a,b,a\n1,2,3\n")),
                    path_of("dup.csv") + ":1: duplicate column name 'a'");
  CHECK(error_of("header.csv", "a,b\n") == path_of("header.csv") + ": no data rows after the header");
  CHECK(error_of("header2.csv", "a,b") == path_of("header2.csv") + ": no data rows after the header");
  CHECK(error_of("header3.csv", "a,b\n\n\r\n") ==
        path_of("header3.csv") + ": no data rows after the header");
}

TEST_CASE("CSV: a ragged row names its line and both field counts") {
  CHECK(error_of("ragged.csv", "a,b\n1,2\n3\n") ==
        path_of("ragged.csv") + ":3: row has 1 fields, the header has 2");
  CHECK(error_of("ragged2.csv", "a,b\n\"x\ny\",2\n3,4,5\n") ==
        path_of("ragged2.csv") + ":4: row has 3 fields, the header has 2");
}

TEST_CASE("CSV: only the requested columns, in the order asked, unknown ones are an error") {
  const DataFile file = file_of("project.csv", "a,b,c\n1,2,3\n4,\"5,5\",6\n");
  CHECK(scan_all(file, {"c", "a"}).columns == std::vector<Cells>{{"3", "6"}, {"1", "4"}});
  CHECK(scan_all(file, {"b"}).columns == std::vector<Cells>{{"2", "5,5"}});
  CHECK(scan_all(file, {}).lines == std::vector<std::uint64_t>{2, 3});
  CHECK_THROWS_WITH(scan_all(file, {"a", "x"}), path_of("project.csv") + ": no column 'x'");
  CHECK_THROWS_WITH(scan_all(file, {"a", "a"}),
                    path_of("project.csv") + ": column 'a' requested twice");
}

TEST_CASE("Chunks are whole records: one record per chunk at the smallest size") {
  const std::string text = "a,b\n1,\"x\ny\"\n2,3\n\n4,5\n";
  for (const unsigned threads : {1U, 2U, 3U}) {
    const auto scanned = scan_text("chunks.csv", text, ScanOptions{1, threads});
    CHECK(scanned.batches == 3);
    CHECK(scanned.columns == std::vector<Cells>{{"1", "2", "4"}, {"x\ny", "3", "5"}});
    CHECK(scanned.lines == std::vector<std::uint64_t>{2, 4, 6});
  }
}

TEST_CASE("The error reported is the first in file order, whatever the threads") {
  std::string text = "a,b\n";
  for (int row = 0; row < 200; ++row) {
    text += row == 120 || row == 60 || row == 190 ? "1\n" : "1,2\n";
  }
  text += "\"unterminated\n";
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{16}, std::size_t{100}}) {
    for (const unsigned threads : {1U, 2U, 3U}) {
      CHECK(error_of("first_error.csv", text, ScanOptions{chunk, threads}) ==
            path_of("first_error.csv") + ":62: row has 1 fields, the header has 2");
    }
  }
}

TEST_CASE("Exceptions of map and fold reach the caller, the first in file order") {
  std::string text = "x\n";
  for (int row = 0; row < 100; ++row) text += std::to_string(row) + "\n";
  const DataFile file = file_of("map_errors.csv", text);
  const std::vector<std::string> columns{"x"};
  for (const unsigned threads : {1U, 2U, 3U}) {
    const ScanOptions options{8, threads};
    CHECK_THROWS_WITH(scan_records<int>(
                          file, columns, options,
                          [](const RecordBatch& batch) -> int {
                            if (batch.first_row() >= 30 && batch.first_row() % 10 == 0) {
                              throw std::runtime_error("map at " + std::to_string(batch.first_row()));
                            }
                            return 0;
                          },
                          [](int&&) {}),
                      "map at 30");
    std::uint64_t folded = 0;
    CHECK_THROWS_WITH(scan_records<std::uint64_t>(
                          file, columns, options,
                          [](const RecordBatch& batch) { return batch.first_row() + batch.rows(); },
                          [&](std::uint64_t&& rows_after) {
                            folded = rows_after;
                            if (rows_after > 50) throw std::runtime_error("fold");
                          }),
                      "fold");
    CHECK(folded > 50);
    CHECK(folded < 60);
  }
}

TEST_CASE("NDJSON: keys in order of first appearance, cells by the JSON rules") {
  const DataFile file = file_of(
      "events.ndjson",
      "{\"x\": 1, \"c\": \"DE\"}\n\n  \r\n{\"x\": null, \"y\": true, \"s\": \"a\\\"b\\u00e9\\n\"}\n"
      "{\"c\": \"\", \"x\": -2.5e3, \"a\": [1, {\"k\": \"v w\"}], \"o\": {\"p\" : [ ] }}\r\n"
      "{\"x\": 1, \"x\": 12345678901234567890123, \"y\": false}");
  const std::vector<std::string> names = column_names(file);
  CHECK(names == std::vector<std::string>{"x", "c", "y", "s", "a", "o"});
  const auto scanned = scan_all(file, names);
  CHECK(scanned.lines == std::vector<std::uint64_t>{1, 4, 5, 6});
  CHECK(scanned.columns ==
        std::vector<Cells>{{"1", std::nullopt, "-2.5e3", "12345678901234567890123"},
                           {"DE", std::nullopt, "", std::nullopt},
                           {std::nullopt, "true", std::nullopt, "false"},
                           {std::nullopt, "a\"b\xC3\xA9\n", std::nullopt, std::nullopt},
                           {std::nullopt, std::nullopt, "[1,{\"k\":\"v w\"}]", std::nullopt},
                           {std::nullopt, std::nullopt, "{\"p\":[]}", std::nullopt}});
  // A key asked for that no line has is missing everywhere.
  CHECK(scan_all(file, {"nope", "c"}).columns ==
        std::vector<Cells>{{std::nullopt, std::nullopt, std::nullopt, std::nullopt},
                           {"DE", std::nullopt, "", std::nullopt}});
}

TEST_CASE("NDJSON: every line is validated, requested or not") {
  const auto invalid = [](const std::string& name, const std::string& line) {
    const std::string text = "{\"x\": 1}\n" + line + "\n{\"x\": 2}\n";
    const DataFile file = file_of(name, text);
    std::string first, second;
    try {
      column_names(file);
    } catch (const InputError& error) {
      first = error.what();
    }
    try {
      scan_all(file, {"x"});
    } catch (const InputError& error) {
      second = error.what();
    }
    CHECK(first == second);
    return second;
  };
  const std::string prefix = path_of("bad.ndjson") + ":2: invalid JSON: ";
  for (const std::string line :
       {"{\"x\": ", "{\"x\": 1,}", "{\"y\": 01}", "{\"y\": [1, 2}", "{\"y\": nul}",
        "{\"y\": \"\\q\"}", "{\"x\": 1} {}", "{\"y\": {\"z\": tru}}", "{\"y\": 1e400}",
        "{\"y\": \"\xff\"}", "{\"y\": \"a\tb\"}", "[1, 2"}) {
    INFO(line);
    CHECK_THAT(invalid("bad.ndjson", line), Catch::StartsWith(prefix));
  }
  CHECK_THAT(invalid("bad.ndjson", "{\"y\": [1, 2, x]}"), Catch::EndsWith("(in the value of 'y')"));
  CHECK(invalid("array.ndjson", "[1, 2]") ==
        path_of("array.ndjson") + ":2: expected a JSON object, got array");
  CHECK(invalid("string.ndjson", "\"x\"") ==
        path_of("string.ndjson") + ":2: expected a JSON object, got string");
  CHECK(error_of("blank.ndjson", "\n  \n\r\n") == path_of("blank.ndjson") + ": empty file (no JSON records)");
}

TEST_CASE("NDJSON: lines at the very end of the file parse like the others") {
  // The last line is parsed from a padded copy, the others in place.
  std::string text;
  for (int i = 0; i < 20; ++i) text += "{\"k\":\"" + std::string(static_cast<std::size_t>(i), 'v') + "\",\"n\":" + std::to_string(i) + "}\n";
  for (const std::string ending : {"", "\n", "   ", "\r\n"}) {
    const auto scanned = scan_text("tail.ndjson", text + "{\"n\":[1, 2]}" + ending);
    REQUIRE(scanned.columns.size() == 2);
    CHECK(scanned.columns[1].back() == "[1,2]");
    CHECK(scanned.columns[0][19] == std::string(19, 'v'));
  }
}

}  // namespace
}  // namespace driftd
