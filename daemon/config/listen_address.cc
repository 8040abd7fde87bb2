#include "config/listen_address.h"

#include <arpa/inet.h>

#include <algorithm>

namespace driftd::config {
namespace {

constexpr std::string_view kShape =
    "must be \"host:port\", such as \"127.0.0.1:8080\" or \"[::1]:8080\"";

bool is_address(int family, const std::string& host) {
  unsigned char buffer[16];
  return inet_pton(family, host.c_str(), buffer) == 1;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& problem) {
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      problem = kShape;
      return std::nullopt;
    }
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    if (!is_address(AF_INET6, host)) {
      problem = "\"" + host + "\" is not a valid IPv6 address";
      return std::nullopt;
    }
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      problem = kShape;
      return std::nullopt;
    }
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) {
      problem = "an IPv6 address must be in brackets, such as \"[::1]:8080\"";
      return std::nullopt;
    }
    const bool numeric = std::all_of(host.begin(), host.end(),
                                     [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    const bool name_chars = std::all_of(host.begin(), host.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '.';
    });
    if (numeric && !is_address(AF_INET, host)) {
      problem = "\"" + host + "\" is not a valid IPv4 address";
      return std::nullopt;
    }
    if (!name_chars || host.front() == '-' || host.front() == '.' || host.back() == '-') {
      problem = "\"" + host + "\" is not a valid host name or address";
      return std::nullopt;
    }
  }
  const std::optional<std::uint16_t> port = parse_port(port_text);
  if (!port) {
    problem = "port must be an integer between 0 and 65535";
    return std::nullopt;
  }
  return ListenAddress{std::move(host), *port};
}

std::string to_string(const ListenAddress& address) {
  const bool v6 = address.host.find(':') != std::string::npos;
  return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

}  // namespace driftd::config
