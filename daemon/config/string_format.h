// The strings of a driftd configuration that have a syntax of their own
// (schema::StringFormat): names, JSON Pointers, Kafka names, the listen
// address, the auth token. For each, the check the parser applies and the
// JSON Schema pattern an editor applies, side by side so that they are
// changed together (tests/config/config_schema_test.cc runs both on the same
// strings).
//
// A pattern never refuses a string the check accepts; it may accept a few the
// check refuses (an IPv4 address such as "300.1.1.1"), which --check-config
// still does. One exception: JSON Schema's minLength counts characters where
// the auth token's check counts bytes, so a token of fewer than 16
// characters but at least 16 bytes (non-ASCII) is refused by the schema
// only. Patterns are ECMA-262 regular expressions, as JSON Schema requires,
// within what Python's `re` reads the same way.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "config/config_schema.h"

namespace driftd::config {

// What is wrong with `text` as a `format` string, as a ConfigError problem
// ("must be 1 to 64 characters from ..."), or "" when nothing is.
std::string string_format_problem(schema::StringFormat format, std::string_view text);

// The JSON Schema of a `format` string: `pattern` (anchored) and, when it
// says more than the pattern, `min_length` (0: none).
struct StringFormatSchema {
  std::string_view pattern;
  std::size_t min_length = 0;
};
StringFormatSchema string_format_schema(schema::StringFormat format);

}  // namespace driftd::config
