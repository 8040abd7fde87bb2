// JSON Pointers (RFC 6901) naming a field inside an event.
//
// A feature's `path` and an event time's `field` are JSON Pointers: "" or a
// sequence of "/token", where inside a token "~0" stands for '~' and "~1" for
// '/', and a '~' followed by anything else is invalid. driftd refuses the
// empty pointer "" (it names the whole event, never a field); every other
// RFC 6901 pointer is accepted, including empty tokens ("/a//b") and tokens
// that look like array indices ("/items/0": the decoder decides).
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace driftd::config {

// The unescaped reference tokens of `pointer`: "/a~1b/c~0" -> {"a/b", "c~"}.
// std::nullopt with `problem` set (a sentence fragment for ConfigError) when
// `pointer` is not a JSON Pointer to a field.
std::optional<std::vector<std::string>> parse_json_pointer(std::string_view pointer,
                                                           std::string& problem);

}  // namespace driftd::config
