// A parsed JSON Pointer (RFC 6901): the path from an event's root to the
// value of one feature, e.g. "/user/geo/country".
//
// The text is a sequence of reference tokens, each introduced by '/'. In a
// token "~1" stands for '/' and "~0" for '~' (decoded in that order, so "~01"
// is the two characters "~1"). A token names an object member by its exact,
// unescaped key (byte-wise comparison of UTF-8; no Unicode normalisation)
// and, when the value there is an array, also an element when it is a
// canonical decimal index ("0", "17"; not "01" or "-").
//
// driftd only extracts members, never the whole document, so the empty
// pointer "" is refused. "/" is valid: the member whose key is "".
//
// Guarantees: parse() throws driftd::InputError for text that is not a
// pointer (does not start with '/', '~' not followed by '0' or '1').
//
// Thread safety: a value type, immutable after construction.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace driftd::ingest {

class JsonPointer {
 public:
  // REQUIRES: text is a non-empty RFC 6901 pointer (else InputError).
  static JsonPointer parse(std::string_view text);

  // The pointer as written, e.g. "/a~1b/c".
  const std::string& text() const { return text_; }
  // The unescaped reference tokens, e.g. {"a/b", "c"}; never empty.
  std::span<const std::string> tokens() const { return tokens_; }

  friend bool operator==(const JsonPointer& a, const JsonPointer& b) { return a.text_ == b.text_; }

 private:
  JsonPointer(std::string text, std::vector<std::string> tokens)
      : text_(std::move(text)), tokens_(std::move(tokens)) {}

  std::string text_;
  std::vector<std::string> tokens_;
};

// The array index a reference token denotes, or -1 when it is not a canonical
// decimal index below 2^32 ("0", "1", ..., no sign, no leading zero).
long long array_index_of(std::string_view token) noexcept;

}  // namespace driftd::ingest
