#include "dataset/csv_parser.h"

#include <sstream>

#include <catch2/catch.hpp>

#include "common/error.h"

namespace driftd {
namespace {

std::vector<std::vector<std::string>> parse_all(const std::string& text) {
  std::istringstream input(text);
  CsvParser parser(input, "t.csv");
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> fields;
  while (parser.next_record(fields)) records.push_back(fields);
  return records;
}

TEST_CASE("CSV records split on commas and newlines") {
  const auto records = parse_all("a,b,c\n1,2,3\n");
  REQUIRE(records.size() == 2);
  CHECK(records[0] == std::vector<std::string>{"a", "b", "c"});
  CHECK(records[1] == std::vector<std::string>{"1", "2", "3"});
}

TEST_CASE("CSV without a final newline keeps its last record") {
  const auto records = parse_all("a,b\n1,2");
  REQUIRE(records.size() == 2);
  CHECK(records[1] == std::vector<std::string>{"1", "2"});
}

TEST_CASE("CSV CRLF line endings are not part of the fields") {
  const auto records = parse_all("a,b\r\n1,2\r\n");
  REQUIRE(records.size() == 2);
  CHECK(records[1] == std::vector<std::string>{"1", "2"});
}

TEST_CASE("CSV quoted fields hold commas and quotes and newlines") {
  const auto records = parse_all("x,y\n\"a,b\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n");
  REQUIRE(records.size() == 3);
  CHECK(records[1] == std::vector<std::string>{"a,b", "say \"hi\""});
  CHECK(records[2] == std::vector<std::string>{"multi\nline", "z"});
}

TEST_CASE("CSV empty fields are kept as empty strings") {
  const auto records = parse_all("a,b,c\n,,\n");
  REQUIRE(records.size() == 2);
  CHECK(records[1] == std::vector<std::string>{"", "", ""});
}

TEST_CASE("CSV record lines count the newlines inside quoted fields") {
  std::istringstream input("h\n\"a\nb\"\nc\n");
  CsvParser parser(input, "t.csv");
  std::vector<std::string> fields;
  REQUIRE(parser.next_record(fields));
  CHECK(parser.record_line() == 1);
  REQUIRE(parser.next_record(fields));
  CHECK(parser.record_line() == 2);
  REQUIRE(parser.next_record(fields));
  CHECK(parser.record_line() == 4);
}

TEST_CASE("CSV unterminated quote is an error naming where it started") {
  CHECK_THROWS_WITH(parse_all("a\nb\n\"open,\nmore\n"), "t.csv:3: unterminated quoted field");
}

}  // namespace
}  // namespace driftd
