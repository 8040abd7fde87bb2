#include "dataset/csv_parser.h"

#include "common/error.h"

namespace driftd {

bool CsvParser::next_record(std::vector<std::string>& fields) {
  fields.clear();
  int c = input_.get();
  if (c == std::char_traits<char>::eof()) return false;
  record_line_ = line_;

  std::string field;
  bool quoted = false;        // inside a quoted section
  std::size_t quote_line = 0;  // where the open quote was seen
  for (;; c = input_.get()) {
    if (c == std::char_traits<char>::eof()) {
      if (quoted) {
        throw InputError(source_name_ + ":" + std::to_string(quote_line) +
                         ": unterminated quoted field");
      }
      fields.push_back(std::move(field));
      return true;
    }
    const char ch = static_cast<char>(c);
    if (quoted) {
      if (ch == '"') {
        if (input_.peek() == '"') {
          input_.get();
          field.push_back('"');
        } else {
          quoted = false;
        }
      } else {
        if (ch == '\n') ++line_;
        field.push_back(ch);
      }
      continue;
    }
    switch (ch) {
      case '"':
        quoted = true;
        quote_line = line_;
        break;
      case ',':
        fields.push_back(std::move(field));
        field.clear();
        break;
      case '\r':
        if (input_.peek() == '\n') break;  // CRLF: the LF ends the record
        field.push_back(ch);
        break;
      case '\n':
        ++line_;
        fields.push_back(std::move(field));
        return true;
      default:
        field.push_back(ch);
    }
  }
}

}  // namespace driftd
