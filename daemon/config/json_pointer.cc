#include "config/json_pointer.h"

namespace driftd::config {

std::optional<std::vector<std::string>> parse_json_pointer(std::string_view pointer,
                                                           std::string& problem) {
  if (pointer.empty() || pointer.front() != '/') {
    problem = "must be a JSON Pointer (RFC 6901) starting with \"/\", such as \"/amount\"";
    return std::nullopt;
  }
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < pointer.size(); ++i) {
    const char c = pointer[i];
    if (c == '/') {
      tokens.emplace_back();
    } else if (c != '~') {
      tokens.back() += c;
    } else if (i + 1 < pointer.size() && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
      tokens.back() += pointer[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      problem =
          "is not a valid JSON Pointer (RFC 6901): \"~\" must be followed by \"0\" or \"1\"";
      return std::nullopt;
    }
  }
  return tokens;
}

}  // namespace driftd::config
