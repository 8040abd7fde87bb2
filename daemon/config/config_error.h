// ConfigError: why a driftd configuration was refused, and where.
//
// Every problem found while reading a configuration (syntax, wrong type,
// unknown field, value out of range, broken cross-field rule) is thrown as one
// ConfigError that carries
//   - path():    where the problem is, as a config path (below), or "" when
//                it concerns the whole text (a JSON syntax error, an
//                unreadable file, a top level that is not an object);
//   - problem(): what is wrong, a sentence fragment such as
//                "must be an integer between 2 and 4096".
// what() is exactly `path + ": " + problem`, or just `problem` when the path is
// empty, e.g.
//   streams[0].features[2].bins: must be an integer between 2 and 4096
//   line 12, column 5: syntax error while parsing object - unexpected '}'; ...
// It names neither the file nor the program: the caller prefixes those.
//
// Config paths: object keys joined by '.', array indices as [i]. A key that is
// not made only of letters, digits and '_' (a librdkafka property such as
// "security.protocol", an empty or odd key) is written ["key"] so that the path
// stays unambiguous: kafka.properties["security.protocol"].
//
// ConfigError is an InputError (lib/common/error.h): bad input a person can
// fix, never a bug in driftd.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.h"

namespace driftd::config {

class ConfigError : public InputError {
 public:
  ConfigError(std::string path, std::string problem);

  // Where the problem is ("" for the whole text).
  const std::string& path() const { return path_; }
  // What is wrong, without the path.
  const std::string& problem() const { return problem_; }

 private:
  std::string path_;
  std::string problem_;
};

// `parent` extended by an object key: "streams[0]" + "window" ->
// "streams[0].window"; "" + "storage" -> "storage"; odd keys as ["key"].
std::string append_key(std::string_view parent, std::string_view key);

// Appends `text` escaped as inside a JSON string: '"' and '\\' with a
// backslash, control characters as \u00XX, so a message stays on one line.
void append_escaped(std::string& out, std::string_view text);

// `text` in double quotes, escaped as append_escaped() does, so that a name
// as written keeps a message on one line: "a\u000ab".
std::string in_quotes(std::string_view text);

// `parent` extended by an array index: "streams" + 2 -> "streams[2]".
std::string append_index(std::string_view parent, std::size_t index);

}  // namespace driftd::config
