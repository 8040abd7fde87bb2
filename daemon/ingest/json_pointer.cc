#include "ingest/json_pointer.h"

#include <utility>

#include "common/error.h"

namespace driftd::ingest {

JsonPointer JsonPointer::parse(std::string_view text) {
  if (text.empty()) {
    throw InputError("the JSON pointer is empty; it must name a member, e.g. \"/price\"");
  }
  if (text.front() != '/') {
    throw InputError("the JSON pointer \"" + std::string(text) + "\" does not start with '/'");
  }
  std::vector<std::string> tokens;
  std::string token;
  for (std::size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '/') {
      tokens.push_back(std::move(token));
      token.clear();
      continue;
    }
    if (text[i] != '~') {
      token.push_back(text[i]);
      continue;
    }
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (next != '0' && next != '1') {
      throw InputError("the JSON pointer \"" + std::string(text) + "\" has '~' at offset " +
                       std::to_string(i) + " not followed by '0' or '1'");
    }
    token.push_back(next == '0' ? '~' : '/');
    ++i;
  }
  return JsonPointer(std::string(text), std::move(tokens));
}

long long array_index_of(std::string_view token) noexcept {
  if (token.empty() || token.size() > 10 || (token.size() > 1 && token.front() == '0')) {
    return -1;
  }
  long long index = 0;
  for (const char c : token) {
    if (c < '0' || c > '9') {
      return -1;
    }
    index = index * 10 + (c - '0');
  }
  return index < (1LL << 32) ? index : -1;
}

}  // namespace driftd::ingest
