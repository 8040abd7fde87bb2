// Reading and validating a driftd configuration (the model: config/config.h).
//
// parse_config() takes JSON text, with // and /* */ comments allowed, and
// returns a Config that satisfies every rule of config/config.h with every
// default filled in, or throws ConfigError (config/config_error.h) for the
// FIRST problem found. "First" is deterministic:
//   1. JSON syntax errors ("line L, column C: ...") and repeated keys
//      ("streams[0].name: duplicate field"), found while parsing;
//   2. then the document is walked in document order, each object's members
//      in the order written. Two refinements keep messages meaningful:
//      - an object's discriminator (`type` of source, window, reference and
//        feature) is checked before its other members, since it decides which
//        members exist;
//      - rules that relate several fields (critical >= warn, size a multiple
//        of slide, edges only with binning "edges", alert, group and pair
//        features naming features of the stream, group and pair names unique
//        together, a pair's joint table size, required fields) are checked
//        once the object's own members have been read, at the path of the
//        field to fix; cluster mode's rules (the cluster section against
//        kafka and the streams) once the whole file has been read.
//
// Which fields exist, their types, ranges, presence and defaults come from
// the field table (config/config_schema_table.h), which is also what
// `driftd --print-config-schema` writes as a JSON Schema; the rules relating
// several values are checked here.
//
// Error messages are stable (tests assert them verbatim); see
// tests/config/config_parser_errors_test.cc for one of each kind.
//
// Thread safety: reentrant; no shared state.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "config/config.h"
#include "config/config_error.h"

namespace driftd::config {

// Parses and validates `json_text`. Throws ConfigError.
Config parse_config(std::string_view json_text);

// The largest configuration file load_config_file() reads (16 MiB, a
// thousand times a large configuration): a name such as /dev/zero must not
// fill the memory.
inline constexpr std::size_t kMaxConfigFileBytes = 16 * 1024 * 1024;

// Reads `file` and parses it as parse_config() does. A file that cannot be
// read throws ConfigError with path "" and the problem
// `cannot read config file "FILE": <strerror>`, one larger than
// kMaxConfigFileBytes `config file "FILE" is larger than N bytes` (pipes and
// /dev/stdin are read too). Errors inside the file carry no file name: the
// caller prefixes it.
Config load_config_file(const std::filesystem::path& file);

}  // namespace driftd::config
