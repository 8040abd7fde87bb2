// Streaming RFC 4180 CSV record parser.
//
// Reads one record at a time from an std::istream: fields separated by
// commas, records by LF or CRLF, fields optionally enclosed in double quotes
// with "" standing for a literal quote; quoted fields may span lines.
// An unterminated quote throws driftd::InputError "SOURCE:LINE: unterminated
// quoted field", naming the line where the field started. Records are reported with the 1-based line they start on.
//
// Thread safety: none; one parser per stream.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

namespace driftd {

class CsvParser {
 public:
  // `source_name` (usually the file path) prefixes error messages.
  CsvParser(std::istream& input, std::string source_name)
      : input_(input), source_name_(std::move(source_name)) {}

  // Reads the next record into `fields` (cleared first). Returns false at end
  // of input. A blank line yields a record with one empty field.
  bool next_record(std::vector<std::string>& fields);

  // Line on which the record last returned by next_record() started.
  std::size_t record_line() const { return record_line_; }

 private:
  std::istream& input_;
  std::string source_name_;
  std::size_t line_ = 1;  // line of the next character to read
  std::size_t record_line_ = 0;
};

}  // namespace driftd
