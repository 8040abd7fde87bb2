// The "host:port" listen address of the HTTP server.
//
// Accepted forms (the same as config/listen_address.h):
//   "127.0.0.1:8080"  IPv4 literal
//   "[::1]:8080"      IPv6 literal in brackets
//   "localhost:8080"  a host name, resolved once (blocking) when the server starts
// The port is a decimal 0..65535; 0 lets the kernel pick one (HttpServer::port()
// tells which).
//
// Thread safety: pure functions (resolve_listen_address() does a blocking
// name lookup for host names).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

namespace driftd::http {

struct HostPort {
  std::string host;  // without brackets
  std::uint16_t port = 0;
};

// Splits "host:port". Throws std::invalid_argument with a message naming
// `text` when it is malformed.
HostPort split_host_port(std::string_view text);

// The endpoint to bind for `text`: IP literals directly, host names through
// the system resolver (first result). Throws std::invalid_argument when
// malformed or unresolvable.
boost::asio::ip::tcp::endpoint resolve_listen_address(std::string_view text);

}  // namespace driftd::http
