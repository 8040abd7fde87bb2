#include "http/endpoint.h"

#include <charconv>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

namespace driftd::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

[[noreturn]] void fail(std::string_view text, std::string_view problem) {
  throw std::invalid_argument("listen address \"" + std::string(text) + "\": " +
                              std::string(problem));
}

}  // namespace

HostPort split_host_port(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      fail(text, "missing ']' after the IPv6 address");
    }
    host = text.substr(1, close - 1);
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      fail(text, "expected ':port' after ']'");
    }
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      fail(text, "expected host:port");
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      fail(text, "an IPv6 address must be written in brackets, as [::1]:8080");
    }
  }
  if (host.empty()) {
    fail(text, "empty host");
  }
  if (port.empty() || port.size() > 5) {
    fail(text, "port must be a number 0..65535");
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value > 65535) {
    fail(text, "port must be a number 0..65535");
  }
  return HostPort{std::string(host), static_cast<std::uint16_t>(value)};
}

tcp::endpoint resolve_listen_address(std::string_view text) {
  const HostPort hp = split_host_port(text);
  boost::system::error_code ec;
  const auto address = net::ip::make_address(hp.host, ec);
  if (!ec) {
    return tcp::endpoint(address, hp.port);
  }
  if (!text.empty() && text.front() == '[') {
    fail(text, "not an IPv6 address");
  }
  for (const char c : hp.host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) {
      fail(text, "invalid host name");
    }
  }
  net::io_context io;
  tcp::resolver resolver(io);
  const auto results =
      resolver.resolve(hp.host, std::to_string(hp.port), tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    fail(text, "cannot resolve host: " + (ec ? ec.message() : std::string("no address")));
  }
  return results.begin()->endpoint();
}

}  // namespace driftd::http
