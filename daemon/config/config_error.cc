#include "config/config_error.h"

#include <algorithm>

namespace driftd::config {
namespace {

std::string join(const std::string& path, const std::string& problem) {
  return path.empty() ? problem : path + ": " + problem;
}

bool is_plain_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

ConfigError::ConfigError(std::string path, std::string problem)
    : InputError(join(path, problem)), path_(std::move(path)), problem_(std::move(problem)) {}

std::string append_key(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (is_plain_key(key)) {
    if (!out.empty()) out += '.';
    out += key;
    return out;
  }
  out += "[\"";
  append_escaped(out, key);
  out += "\"]";
  return out;
}

void append_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
}

std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  append_escaped(out, text);
  out += '"';
  return out;
}

std::string append_index(std::string_view parent, std::size_t index) {
  std::string out(parent);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

}  // namespace driftd::config
