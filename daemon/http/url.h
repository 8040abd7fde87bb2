// Request-target handling: splitting "/path?query", percent-decoding
// (RFC 3986) and query-string parsing (application/x-www-form-urlencoded).
//
// Guarantees: pure functions, no exceptions for malformed input; malformed
// percent escapes ("%4", "%zz") are reported as std::nullopt so the server
// can answer 400. Decoded text may contain any byte, NUL included.
//
// Thread safety: pure functions; QueryParams is a plain value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace driftd::http {

// Decodes %XX escapes (hex digits of either case). With `plus_as_space`, '+'
// decodes to ' ' (query strings); otherwise '+' is kept (paths).
// std::nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space);

// Percent-encodes every byte outside RFC 3986 "unreserved" (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view text);

// The parts of an origin-form request target "/path?query#fragment".
struct TargetParts {
  std::string_view path;   // up to '?' or '#'; still percent-encoded
  std::string_view query;  // between '?' and '#', without the '?'; may be empty
};
TargetParts split_target(std::string_view target);

// Query parameters in the order they appear, names and values decoded.
// A parameter without '=' ("?verbose") has an empty value; empty pieces
// ("a=1&&b=2") are skipped. Repeated names are all kept.
class QueryParams {
 public:
  using Entry = std::pair<std::string, std::string>;

  // std::nullopt when a name or value holds a malformed percent escape.
  static std::optional<QueryParams> parse(std::string_view query);

  // Value of the first parameter called `name`; std::nullopt if absent.
  std::optional<std::string_view> find(std::string_view name) const;
  // Values of every parameter called `name`, in order.
  std::vector<std::string_view> find_all(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name).has_value(); }

  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<Entry> entries_;
};

}  // namespace driftd::http
