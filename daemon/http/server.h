// driftd's HTTP/1.1 server: a listener on a caller-owned io_context and one
// session per connection (keep-alive; requests on a connection are answered
// in order, one at a time).
//
// Use:
//   boost::asio::io_context io;
//   HttpServer server(io, {.listen = "127.0.0.1:8080", .bearer_token = token});
//   server.router().get("/healthz", health, {.public_access = true});
//   server.router().post("/v1/streams/{stream}/events", ingest);
//   server.start();                       // binds; throws on failure
//   ... io.run() on N threads ...
//   server.stop(5s, [&] { io.stop(); });  // e.g. on SIGTERM
//
// Guarantees:
//  - Every limit in ServerLimits is enforced (see limits.h): per connection,
//    oversized bodies 413, oversized headers 431, slow or idle clients cut
//    off; across connections, max_connections answered 503, max_streams
//    answered 503, request bodies beyond max_inflight_body_bytes answered
//    503 with Retry-After before they are read.
//  - Connection cap policy: accept, answer 503 with a JSON error and
//    Retry-After, close. Chosen over "stop accepting" because a client left
//    in the listen backlog gets no signal and times out on its own, while a
//    503 tells it at once (and is counted in rejected_connections); the cost
//    is one small write per excess connection, bounded by write_timeout and
//    linger_timeout.
//  - TLS (when options.tls is set): every connection first completes a TLS
//    handshake within header_timeout of its accept, or is closed (counted in
//    tls_handshake_failures, or timeouts). A connection over max_connections
//    is closed without an answer (answering would cost a handshake).
//  - Authentication (when bearer_token is set) runs before routing answers,
//    for every route not registered with public_access: 401 with
//    WWW-Authenticate: Bearer.
//  - Errors produced by the server itself use the JSON error shape of
//    http/json_response.h.
//  - stop(grace): stops accepting at once; closes idle keep-alive
//    connections at once; lets requests in flight (being read, handled or
//    written) finish and then closes their connections; closes every event
//    stream (server_stopping); after `grace`, force-closes whatever is
//    left. on_stopped runs once everything is closed. stop() never blocks.
//
// Threading: the caller runs the io_context on as many threads as it likes.
// Each connection runs on its own strand, so one connection's handlers never
// run concurrently, and handlers for different connections may. Route
// handlers run on an io_context thread and must not block it: hand long work
// to another thread and answer through the Responder from there.
//
// Thread safety: router() and start() before the io_context threads use the
// server (or from one thread, before start()); stop(), port(), counters()
// from any thread. The HttpServer object must be destroyed before the
// io_context; destroying it stops the server (grace 0) if it runs. Sessions
// share ownership of the server's internal state, so they may finish after
// the HttpServer object is gone.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "http/counters.h"
#include "http/limits.h"
#include "http/router.h"

namespace driftd::http {

namespace detail {
class ServerState;
}

struct ServerOptions {
  // "host:port" (http/endpoint.h); port 0 picks an ephemeral port.
  std::string listen = "127.0.0.1:8080";
  ServerLimits limits;
  // When set, every non-public route requires "Authorization: Bearer <token>".
  // REQUIRES: not empty.
  std::optional<std::string> bearer_token;
  // When set, every connection speaks TLS (http/tls_context.h builds one);
  // null: plain HTTP.
  std::shared_ptr<boost::asio::ssl::context> tls;
};

class HttpServer {
 public:
  // Validates the options (throws std::invalid_argument for an empty token
  // or a zero limit). Opens no socket yet.
  HttpServer(boost::asio::io_context& io, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The route table. REQUIRES: before start() (Router::add() throws after).
  Router& router();

  // Resolves the listen address, binds, listens and starts accepting.
  // Throws std::invalid_argument (malformed address), boost::system::system_error
  // (bind/listen failed, e.g. address in use), std::logic_error if called twice.
  void start();

  // The bound address and port (the real one when the port was 0).
  // REQUIRES: start() returned.
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  std::uint16_t port() const { return local_endpoint().port(); }

  // Graceful stop (see above). `on_stopped` runs once, on an io_context
  // thread (or on the calling thread if the server already stopped), when
  // every connection and stream is closed. Later calls only add callbacks;
  // the first call's grace applies. Safe before start() (then it only marks
  // the server stopped).
  void stop(std::chrono::milliseconds grace, std::function<void()> on_stopped = {});
  // True once the stop has completed.
  bool stopped() const;

  // Certificate rotation: connections accepted from now on use `tls`;
  // open ones keep the context they started with.
  // REQUIRES: the server was built with options.tls, and tls is not null.
  void set_tls_context(std::shared_ptr<boost::asio::ssl::context> tls);
  bool uses_tls() const;

  const ServerCounters& counters() const;
  std::int64_t open_connections() const;
  std::int64_t open_streams() const;
  // Request body bytes reserved now (limits.max_inflight_body_bytes bounds it).
  std::uint64_t inflight_body_bytes() const;

 private:
  std::shared_ptr<detail::ServerState> state_;
  const std::string listen_;
  bool started_ = false;
};

}  // namespace driftd::http
