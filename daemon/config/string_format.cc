#include "config/string_format.h"

#include <algorithm>

#include "config/json_pointer.h"
#include "config/listen_address.h"

namespace driftd::config {
namespace {

using schema::StringFormat;

constexpr std::size_t kMinAuthTokenLength = 16;

bool is_name_char(char c, bool with_bar) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || (with_bar && c == '|');
}

// Stream and feature names: [A-Za-z0-9_.-]{1,64}; group and pair names may
// also hold '|', as in "amount|hour".
bool is_name(std::string_view name, bool with_bar) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [&](char c) { return is_name_char(c, with_bar); });
}

// A name Kafka accepts for a topic or a group.instance.id.
bool is_kafka_name(std::string_view name) {
  return !name.empty() && name.size() <= 249 && name != "." && name != ".." &&
         std::all_of(name.begin(), name.end(), [](char c) { return is_name_char(c, false); });
}

std::string auth_token_problem(std::string_view token) {
  if (token.size() < kMinAuthTokenLength) {
    return "must be at least " + std::to_string(kMinAuthTokenLength) + " characters long";
  }
  const bool clean = std::all_of(token.begin(), token.end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
  });
  return clean ? "" : "must not contain spaces or control characters";
}

}  // namespace

std::string string_format_problem(StringFormat format, std::string_view text) {
  std::string problem;
  switch (format) {
    case StringFormat::name:
      if (!is_name(text, false)) {
        return "must be 1 to 64 characters from A-Z, a-z, 0-9, '_', '.' and '-'";
      }
      return "";
    case StringFormat::view_name:
      if (!is_name(text, true)) {
        return "must be 1 to 64 characters from A-Z, a-z, 0-9, '_', '.', '-' and '|'";
      }
      return "";
    case StringFormat::json_pointer:
      parse_json_pointer(text, problem);
      return problem;
    case StringFormat::kafka_topic:
      if (!is_kafka_name(text)) {
        return "must be a Kafka topic name: 1 to 249 characters from A-Z, a-z, 0-9, '_', '.' "
               "and '-'";
      }
      return "";
    case StringFormat::kafka_instance_id:
      if (!text.empty() && !is_kafka_name(text)) {
        return "must be \"\" (dynamic membership) or a group.instance.id: 1 to 249 characters "
               "from A-Z, a-z, 0-9, '_', '.' and '-'";
      }
      return "";
    case StringFormat::listen_address:
      parse_listen_address(text, problem);
      return problem;
    case StringFormat::auth_token:
      return auth_token_problem(text);
  }
  return "";  // not reached: every format is handled above
}

StringFormatSchema string_format_schema(StringFormat format) {
  switch (format) {
    case StringFormat::name:
      return {"^[A-Za-z0-9_.-]{1,64}$"};
    case StringFormat::view_name:
      return {"^[A-Za-z0-9_.|-]{1,64}$"};
    case StringFormat::json_pointer:
      return {"^(/([^~/]|~[01])*)+$"};
    case StringFormat::kafka_topic:
      return {"^(?!\\.\\.?$)[A-Za-z0-9_.-]{1,249}$"};
    case StringFormat::kafka_instance_id:
      return {"^(?!\\.\\.?$)[A-Za-z0-9_.-]{0,249}$"};
    case StringFormat::listen_address:
      // A bracketed IPv6 address or a host name or IPv4 address, then a port
      // of at most 5 digits up to 65535.
      return {"^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9][A-Za-z0-9.-]*):"
              "([0-9]{1,4}|[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$"};
    case StringFormat::auth_token:
      return {"^[^\\u0000-\\u0020\\u007f]*$", kMinAuthTokenLength};
  }
  return {};  // not reached: every format is handled above
}

}  // namespace driftd::config
