// One HTTP/1.1 connection: reads requests one at a time (keep-alive and
// pipelining by reading the next request only after answering the current
// one), routes and authenticates them, runs the handler and writes its
// answer. Private to driftd_http.
//
// Life of a request (each step's timeout in ServerLimits):
//   tls         (TLS connections, once) the handshake, within header_timeout
//               of the accept; a failure is counted and the connection closed
//   idle        wait for the first byte (idle_timeout; header_timeout for the
//               connection's first request)
//   header      read the header (until header_timeout after the first byte)
//               -> 400/413/431 and close on malformed or oversized input
//   route+auth  -> 401/404/405 before any body byte is read
//   budget      reserve the declared Content-Length in the server's
//               BodyBudget -> 503 with Retry-After, and close, when it does
//               not fit (before 100 Continue, so the client sends nothing)
//   body        (100 Continue if asked) read the body (body_timeout); a
//               chunked body reserves each chunk as its header announces it
//               -> 503 and close when one does not fit
//   handling    the handler owns a Responder; no timeout
//   writing     write the answer (write_timeout), then back to idle, or a
//               lingering close (shutdown send, drain until EOF or
//               linger_timeout; TLS first exchanges close_notify) when the
//               connection is to close
// An event stream takes the socket over from "handling" (hand_off).
//
// Thread safety: every private member is touched only on the connection's
// strand (executor_), except that start_stream() reads request_is_head_:
// it is written before the handler runs and not again until the answer has
// been written, and the handler's thread got the Responder after that
// write. The public functions may be called from any thread: they post to
// the strand. Completion handlers first check for `closed`, since close()
// may have run while they were queued.
//
// Invariants:
//  1. At most one read or one write is in flight (never both).
//  2. The connection slot (ServerCounters::open_connections) is released
//     exactly once: by close(), or by the EventStream after hand_off().
//  3. deliver() after close() or outside "handling" is dropped.
//  4. body_reservation_ covers the body being read or held (parser_,
//     request_): it is released when both are dropped as the answer is
//     written, and by the destructor when the session ends otherwise (error,
//     timeout, client gone: the memory goes with the session).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string_type.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/body_budget.h"
#include "http/detail/transport.h"

#include "http/padded_body.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"

namespace driftd::http {
class EventStream;
}

namespace driftd::http::detail {

class ServerState;

class Session : public std::enable_shared_from_this<Session> {
 public:
  // REQUIRES: the caller has taken a connection slot for this socket (open_connections).
  Session(Transport transport, std::shared_ptr<ServerState> state);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Registers with the server and starts reading. Any thread.
  void start();
  // The handler's answer (Responder). Any thread.
  void deliver(Response response);
  // Upgrade the current request to an event stream (Responder). Any thread.
  // nullptr when refused (the refusal, 503, has then been delivered) or for
  // a HEAD request (the stream's headers are sent, then it closes).
  std::shared_ptr<EventStream> start_stream();
  // Server stop: close if idle, else close after the current answer. Any thread.
  void begin_shutdown();
  // Stop deadline: close now. Any thread.
  void force_close();

  ServerState& state() { return *state_; }

 private:
  enum class Phase { starting, handshake, idle, header, body, handling, writing, lingering, handed_off, closed };

  void do_start();
  void on_handshake(const boost::beast::error_code& ec);
  void wait_for_request();
  void on_first_byte(const boost::beast::error_code& ec, std::size_t bytes);
  void read_header();
  // The end of a header or body read: `next` (after_header, dispatch)
  // unless the session closed meanwhile or the read failed.
  void on_read(void (Session::*next)(), const boost::beast::error_code& ec, std::size_t bytes);
  void after_header();
  void on_continue_sent(const boost::beast::error_code& ec, std::size_t bytes);
  // The parser's chunk-header callback: reserves the chunk's bytes.
  void on_chunk_header(std::uint64_t size, boost::beast::string_view extensions,
                       boost::beast::error_code& ec);
  // 503 with Retry-After: the body does not fit in the server's budget.
  void refuse_over_body_budget();
  void read_body();
  void on_read_error(const boost::beast::error_code& ec);
  // After a write: true when the session stops here (closed meanwhile, or
  // the write failed: a timeout is counted and the connection closed).
  bool write_failed(const boost::beast::error_code& ec);
  void dispatch();
  void on_response(Response response);
  // Answers without running a handler (errors). The connection closes after
  // it unless it may stay open (keep-alive asked, no unread body).
  void reject(Response response);
  void write_response(Response response, bool close_after);
  void on_write(const boost::beast::error_code& ec, std::size_t bytes);
  void linger();
  void on_close_sent(const boost::beast::error_code& ec);
  void drain();
  void on_linger_read(const boost::beast::error_code& ec, std::size_t bytes);
  void hand_off(const std::shared_ptr<EventStream>& stream);
  void close();
  void release_slot();

  const std::shared_ptr<ServerState> state_;
  const boost::asio::any_io_executor executor_;  // the connection's strand; immutable
  Transport transport_;
  boost::asio::ip::tcp::endpoint remote_;
  boost::beast::flat_buffer buffer_;
  BodyBudget::Reservation body_reservation_;
  // Bound to on_chunk_header(); the parser keeps a reference to it.
  std::function<void(std::uint64_t, boost::beast::string_view, boost::beast::error_code&)>
      chunk_header_callback_;
  std::optional<boost::beast::http::request_parser<PaddedStringBody>> parser_;
  std::optional<Request> request_;      // the request being handled
  std::optional<Response> response_;    // the answer being written
  Router::Match match_;
  std::optional<QueryParams> query_;
  std::chrono::steady_clock::time_point header_deadline_;
  std::array<char, 4096> discard_{};
  std::size_t lingered_bytes_ = 0;
  Phase phase_ = Phase::starting;
  unsigned request_version_ = 11;
  bool first_request_ = true;
  bool request_keep_alive_ = false;
  bool request_is_head_ = false;
  bool over_body_budget_ = false;  // the read failed because a chunk did not fit
  bool close_after_write_ = false;
  bool shutdown_requested_ = false;
  bool slot_held_ = true;
};

}  // namespace driftd::http::detail
