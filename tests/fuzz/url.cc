// Fuzz target: the request-target helpers of http/url.h that every request
// goes through: split_target, percent_decode (paths and query strings) and
// QueryParams::parse. Properties:
//   - split_target cuts the target into a path without '?' or '#' and the
//     query after the first '?', both views into the target;
//   - percent_decode refuses exactly the texts with a '%' not followed by
//     two hex digits; what it decodes, percent_encode'd, decodes back to the
//     same bytes (with and without plus_as_space), and encoding leaves only
//     unreserved characters and escapes;
//   - parsed query parameters, written back as name=value pairs joined by
//     '&' with percent_encode, parse to the same entries in the same order,
//     and find() returns the first entry of each name.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "http/url.h"

namespace driftd::fuzz {
namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool has_malformed_escape(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2]))) {
      return true;
    }
  }
  return false;
}

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void check_decode(std::string_view text, bool plus_as_space) {
  const std::optional<std::string> decoded = http::percent_decode(text, plus_as_space);
  FUZZ_CHECK(decoded.has_value() == !has_malformed_escape(text));
  if (!decoded) return;
  const std::string encoded = http::percent_encode(*decoded);
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%') {
      FUZZ_CHECK(i + 2 < encoded.size() && is_hex(encoded[i + 1]) && is_hex(encoded[i + 2]));
      i += 2;
    } else {
      FUZZ_CHECK(is_unreserved(encoded[i]));
    }
  }
  FUZZ_CHECK(http::percent_decode(encoded, plus_as_space) == decoded);
}

void check_split(std::string_view target) {
  const http::TargetParts parts = http::split_target(target);
  FUZZ_CHECK(parts.path.data() == target.data());
  FUZZ_CHECK(parts.path.find_first_of("?#") == std::string_view::npos);
  const std::size_t question = target.find('?');
  const std::size_t hash = target.find('#');
  if (question != std::string_view::npos && question < hash) {
    FUZZ_CHECK(parts.path.size() == question);
    FUZZ_CHECK(parts.query.data() == target.data() + question + 1);
    FUZZ_CHECK(parts.query.find('#') == std::string_view::npos);
    FUZZ_CHECK(question + 1 + parts.query.size() == (hash == std::string_view::npos ? target.size() : hash));
  } else {
    FUZZ_CHECK(parts.path.size() == std::min(hash, target.size()));
    FUZZ_CHECK(parts.query.empty());
  }
}

void check_query(std::string_view query) {
  const std::optional<http::QueryParams> params = http::QueryParams::parse(query);
  if (!params) return;
  std::string written;
  for (const auto& [name, value] : params->entries()) {
    if (!written.empty()) written += '&';
    written += http::percent_encode(name) + "=" + http::percent_encode(value);
  }
  const std::optional<http::QueryParams> again = http::QueryParams::parse(written);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->entries() == params->entries());
  for (const auto& [name, value] : params->entries()) {
    const std::optional<std::string_view> first = params->find(name);
    FUZZ_CHECK(first.has_value());
    FUZZ_CHECK(params->find_all(name).front() == *first);
  }
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd::fuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_split(text);
  check_decode(text, false);
  check_decode(text, true);
  check_query(driftd::http::split_target(text).query);
  check_query(text);
  return 0;
}
