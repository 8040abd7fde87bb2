// A connection's byte stream: plain TCP, or TLS over TCP. Session and
// EventStream are written once against it: they call visit() with a generic
// lambda for reads and writes, and tcp() for timeouts and the socket.
// Private to driftd_http.
//
// Guarantees:
//  - Timeouts set on tcp() (Beast's tcp_stream expiry) apply to every
//    asynchronous operation, the TLS handshake and shutdown included.
//  - async_close_send() ends the sending side gracefully: TLS sends its
//    close_notify and waits for the peer's (bounded by the tcp() expiry);
//    plain TCP shuts down the send direction. Either way the caller may then
//    drain tcp() until EOF.
//  - A TLS connection keeps its context alive (shared_ptr), so the server
//    may swap its context (certificate rotation) while it runs.
//
// Thread safety: none; used on its connection's strand only. Movable (a
// Session hands it to an EventStream); a moved-from Transport must not be used.
#pragma once

#include <memory>
#include <utility>
#include <variant>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace driftd::http::detail {

class Transport {
 public:
  using Plain = boost::beast::tcp_stream;
  using Tls = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  explicit Transport(boost::asio::ip::tcp::socket socket)
      : stream_(std::in_place_type<Plain>, std::move(socket)) {}
  // REQUIRES: tls not null.
  Transport(boost::asio::ip::tcp::socket socket, std::shared_ptr<boost::asio::ssl::context> tls)
      : tls_context_(std::move(tls)),
        stream_(std::in_place_type<Tls>, std::move(socket), *tls_context_) {}

  bool is_tls() const { return std::holds_alternative<Tls>(stream_); }

  // The TCP layer: expires_after/at/never, socket().
  Plain& tcp() {
    return std::visit([](auto& s) -> Plain& { return boost::beast::get_lowest_layer(s); },
                      stream_);
  }

  // Calls f(stream) with the Plain or the Tls stream, for reads and writes.
  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit(std::forward<F>(f), stream_);
  }

  // The server side of the TLS handshake. REQUIRES: is_tls(). Handler(error_code).
  template <class Handler>
  void async_tls_handshake(Handler&& handler) {
    std::get<Tls>(stream_).async_handshake(boost::asio::ssl::stream_base::server,
                                           std::forward<Handler>(handler));
  }

  // See above. Handler(error_code).
  template <class Handler>
  void async_close_send(Handler&& handler) {
    if (Tls* tls = std::get_if<Tls>(&stream_)) {
      tls->async_shutdown(std::forward<Handler>(handler));
      return;
    }
    boost::system::error_code ec;
    tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    boost::asio::post(tcp().get_executor(),
                      [handler = std::forward<Handler>(handler), ec]() mutable { handler(ec); });
  }

  // Both directions, at once (no TLS close_notify).
  void close() {
    boost::system::error_code ignored;
    tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    tcp().close();
  }

 private:
  std::shared_ptr<boost::asio::ssl::context> tls_context_;  // null for plain TCP
  std::variant<Plain, Tls> stream_;
};

}  // namespace driftd::http::detail
