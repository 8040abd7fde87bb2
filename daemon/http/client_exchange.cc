#include "http/client_exchange.h"

#include <algorithm>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/timer_limit.h"

namespace driftd::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

// Runs one asynchronous step to completion on `io` and returns its error.
// The stream carries the deadline (tcp_stream expiry), so every step ends;
// Beast applies that expiry to asynchronous operations only.
template <class Start>
beast::error_code run_step(net::io_context& io, Start&& start) {
  beast::error_code result = net::error::would_block;
  start([&result](const beast::error_code& ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

template <class Stream>
beast::error_code write_and_read(net::io_context& io, Stream& stream,
                                 bhttp::request<bhttp::string_body>& request, bool read_body,
                                 ClientExchange& out) {
  if (auto ec = run_step(io, [&](auto handler) { bhttp::async_write(stream, request, handler); })) {
    return ec;
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  auto ec = run_step(io, [&](auto handler) {
    if (read_body) {
      bhttp::async_read(stream, buffer, parser, handler);
    } else {
      bhttp::async_read_header(stream, buffer, parser, handler);
    }
  });
  if (!ec) out.response = parser.release();
  return ec;
}

std::string describe(const beast::error_code& ec, std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout) {
    return "no answer within " + std::to_string(timeout.count()) + " ms";
  }
  if (ec.category() == net::error::get_ssl_category()) {
    char text[256];
    ERR_error_string_n(static_cast<unsigned long>(ec.value()), text, sizeof text);
    return std::string("TLS: ") + text;
  }
  return ec.message();
}

}  // namespace

ClientExchange exchange(const ClientEndpoint& endpoint, bhttp::request<bhttp::string_body>& request,
                        net::ssl::context& tls, std::chrono::milliseconds timeout,
                        bool read_body) {
  ClientExchange out;
  net::io_context io;
  beast::error_code ec;
  net::ip::tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(endpoint.host, endpoint.port, ec);
  if (ec) {
    out.error = "cannot resolve " + endpoint.host + ": " + ec.message();
    return out;
  }
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(std::min(timeout, kMaxTimerDuration));  // one deadline for the whole exchange
  ec = run_step(io, [&](auto handler) { tcp.async_connect(endpoints, handler); });
  if (!ec && endpoint.tls) {
    beast::error_code not_an_address;
    net::ip::make_address(endpoint.host, not_an_address);
    if (not_an_address && SSL_set_tlsext_host_name(stream.native_handle(), endpoint.host.c_str()) != 1) {
      ec.assign(static_cast<int>(ERR_get_error()), net::error::get_ssl_category());
    }
    if (!ec) {
      stream.set_verify_callback(net::ssl::host_name_verification(endpoint.host));
      ec = run_step(io, [&](auto handler) {
        stream.async_handshake(net::ssl::stream_base::client, handler);
      });
    }
  }
  if (!ec) {
    ec = endpoint.tls ? write_and_read(io, stream, request, read_body, out)
                      : write_and_read(io, tcp, request, read_body, out);
  }
  if (ec) out.error = describe(ec, timeout);
  tcp.close();
  return out;
}

}  // namespace driftd::http
