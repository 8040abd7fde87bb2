// The "host:port" address the HTTP server listens on.
//
// Accepted forms:
//   "127.0.0.1:8080"   IPv4 address (validated with inet_pton)
//   "localhost:8080"   host name: letters, digits, '-' and '.'
//   "[::1]:8080"       IPv6 address, in brackets (validated with inet_pton)
// The port is a decimal integer 0..65535 (0: let the kernel pick one, for
// tests). An IPv6 address without brackets is refused: "::1:8080" is
// ambiguous.
//
// Thread safety: plain value and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace driftd::config {

struct ListenAddress {
  std::string host;  // without brackets: "127.0.0.1", "localhost", "::1"
  std::uint16_t port = 0;

  friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

// The address `text` denotes, or std::nullopt with `problem` set (a sentence
// fragment for ConfigError).
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& problem);

// "host:port", with brackets around an IPv6 host: parse_listen_address() reads
// it back to the same value.
std::string to_string(const ListenAddress& address);

}  // namespace driftd::config
