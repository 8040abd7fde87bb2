#include "dataset/table.h"

#include <cmath>
#include <fstream>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/error.h"

namespace driftd {
namespace {

std::filesystem::path write_file(const std::string& name, const std::string& text) {
  // One directory per process (see scan_test_support.cc).
  const auto dir = std::filesystem::temp_directory_path() /
                   ("driftd_table_test." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST_CASE("CSV table: header names the columns and empty cells are missing") {
  const Table table = read_table(write_file("basic.csv", "x,country\n1.5,DE\n,FR\n3,\n"));
  REQUIRE(table.row_count() == 3);
  const Column* x = table.find("x");
  REQUIRE(x != nullptr);
  CHECK(x->values[0] == "1.5");
  CHECK_FALSE(x->values[1].has_value());
  const Column* country = table.find("country");
  REQUIRE(country != nullptr);
  CHECK(country->values[1] == "FR");
  CHECK_FALSE(country->values[2].has_value());
  CHECK(table.find("absent") == nullptr);
}

TEST_CASE("CSV table: a ragged row names file and line and field counts") {
  const auto path = write_file("ragged.csv", "a,b\n1,2\n3\n");
  CHECK_THROWS_WITH(read_table(path), path.string() + ":3: row has 1 fields, the header has 2");
}

TEST_CASE("CSV table: empty file and header-only file are errors") {
  const auto empty = write_file("empty.csv", "");
  CHECK_THROWS_WITH(read_table(empty), empty.string() + ": empty file (expected a header row)");
  const auto header_only = write_file("header.csv", "a,b\n");
  CHECK_THROWS_WITH(read_table(header_only),
                    header_only.string() + ": no data rows after the header");
}

TEST_CASE("CSV table: duplicate header names are an error") {
  const auto path = write_file("dup.csv", "a,a\n1,2\n");
  CHECK_THROWS_WITH(read_table(path), path.string() + ":1: duplicate column name 'a'");
}

TEST_CASE("NDJSON table: union of keys with absent and null missing") {
  const Table table = read_table(write_file(
      "events.ndjson",
      "{\"x\": 1, \"c\": \"DE\"}\n\n{\"x\": null, \"y\": true}\n{\"c\": \"FR\", \"x\": 2.5e3}\n"));
  REQUIRE(table.row_count() == 3);
  REQUIRE(table.columns().size() == 3);
  CHECK(table.columns()[0].name == "x");
  CHECK(table.columns()[1].name == "c");
  CHECK(table.columns()[2].name == "y");
  const Column& x = *table.find("x");
  CHECK(x.values[0] == "1");
  CHECK_FALSE(x.values[1].has_value());
  CHECK(parse_number(*x.values[2]) == 2500.0);
  const Column& y = *table.find("y");
  CHECK_FALSE(y.values[0].has_value());
  CHECK(y.values[1] == "true");
  CHECK_FALSE(y.values[2].has_value());
  CHECK(table.find("c")->values[2] == "FR");
}

TEST_CASE("NDJSON table: invalid JSON and non-objects name the line") {
  const auto bad = write_file("bad.ndjson", "{\"x\": 1}\n{\"x\": \n");
  CHECK_THROWS_WITH(read_table(bad), Catch::StartsWith(bad.string() + ":2: invalid JSON: "));
  const auto array = write_file("array.ndjson", "{\"x\": 1}\n[1, 2]\n");
  CHECK_THROWS_WITH(read_table(array), array.string() + ":2: expected a JSON object, got array");
  const auto blank = write_file("blank.ndjson", "\n  \n");
  CHECK_THROWS_WITH(read_table(blank), blank.string() + ": empty file (no JSON records)");
}

TEST_CASE("Table format is sniffed when the extension says nothing") {
  const Table table = read_table(write_file("events.txt", "  {\"a\": \"b\"}\n"));
  CHECK(table.find("a")->values[0] == "b");
}

TEST_CASE("A file that does not exist is an error naming it") {
  CHECK_THROWS_WITH(read_table("/nonexistent/x.csv"), "/nonexistent/x.csv: cannot open file");
}

TEST_CASE("parse_number accepts decimal and exponent and sign and blanks and inf and nan only") {
  CHECK(parse_number("1.25") == 1.25);
  CHECK(parse_number(" -3e2 ") == -300.0);
  CHECK(parse_number("+4") == 4.0);
  CHECK(parse_number("inf") == std::numeric_limits<double>::infinity());
  CHECK(std::isnan(*parse_number("nan")));
  CHECK_FALSE(parse_number("").has_value());
  CHECK_FALSE(parse_number("12abc").has_value());
  CHECK_FALSE(parse_number("DE").has_value());
  CHECK_FALSE(parse_number("1,5").has_value());
}

TEST_CASE("With a size limit only a regular file of at most that size is read") {
  const auto path = write_file("limit.csv", "x\n1\n2\n");
  CHECK(read_table(path, 6).row_count() == 2);
  CHECK_THROWS_WITH(read_table(path, 5), path.string() + ": 6 bytes, more than the limit of 5");
  // A device never ends: refused before anything is read (issue 9: a file
  // reference to /dev/zero ate the memory).
  CHECK_THROWS_WITH(read_table("/dev/zero", 1 << 20),
                    "/dev/zero: not a regular file (a device or a pipe has no size to check "
                    "against the limit of 1048576 bytes)");
}

}  // namespace
}  // namespace driftd
