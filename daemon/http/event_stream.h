// A server-sent event stream (text/event-stream) to one client: the shape of
// bmcweb's server_sent_event_impl.hpp. A handler gets one from
// Responder::start_event_stream() and keeps the shared_ptr (for example in a
// subscriber list) to push events from any thread.
//
// Wire format: the server writes
//   HTTP/1.1 200 OK, Content-Type: text/event-stream, Cache-Control: no-cache,
//   Connection: close, X-Accel-Buffering: no, and no Content-Length
// (the body ends when the connection closes), then whatever send() is given.
// format_event() builds well-formed events ("id:", "event:", one "data:"
// line per payload line, blank line).
//
// Guarantees:
//  - send() never blocks on the client: it appends to a queue and returns.
//    The queue holds at most ServerLimits::stream_max_buffered_bytes (the
//    chunk being written included); a send() that would exceed it closes
//    the stream as too slow and returns false. So a client that stops
//    reading costs at most that much memory plus the kernel's socket buffer.
//  - One async_write in flight at a time; each write must finish within
//    stream_write_timeout or the stream closes (write_timeout).
//  - When nothing is queued, a ": keep-alive" comment is sent every
//    stream_heartbeat_interval, so proxies and clients see a live stream.
//  - The on_close callback runs exactly once, after the socket is closed,
//    with the reason; on the connection's strand (an io_context thread), or
//    on the caller's thread if on_close() is called after the stream closed.
//    It must not block.
//  - close() sends what is already queued, then closes.
//  - A client closing its side is noticed (a read is always pending) and
//    closes the stream (client_gone).
//  - Over TLS the stream ends by closing the TCP connection without a TLS
//    close_notify (as after a network failure): SSE clients reconnect either way.
//
// Lifetime: the stream keeps itself alive while its connection is open (its
// pending socket operations own it), so holders may keep a weak_ptr. Drop
// every shared_ptr to it before the io_context is destroyed.
//
// Thread safety: send(), send_event(), close(), on_close(), is_open(),
// buffered_bytes() and close_reason() may be called from any thread,
// concurrently. The other members are the server's.
//
// Invariants:
//  1. queued_bytes_ == pending_.size() + writing_.size() while open.
//  2. write_in_flight_ <=> an async_write on writing_ is outstanding.
//  3. Once accepting_ is false it stays false; do_close() runs once.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

namespace driftd::http {

namespace detail {
class ServerState;
class Session;
class Transport;
}  // namespace detail

enum class StreamCloseReason {
  closed,           // close() was called
  client_gone,      // the client closed or reset the connection
  too_slow,         // a send() would have exceeded the buffer cap
  write_timeout,    // one write took longer than stream_write_timeout
  server_stopping,  // HttpServer::stop()
};

std::string_view to_string(StreamCloseReason reason);

class EventStream : public std::enable_shared_from_this<EventStream> {
 public:
  // One event: optional "id:" and "event:" lines (newlines in them are
  // replaced by spaces), one "data:" line per line of `data` ("\n" or "\r\n"
  // separated), and the blank line that ends the event.
  static std::string format_event(std::string_view data, std::string_view event = {},
                                  std::string_view id = {});

  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Queues raw bytes (normally from format_event()). Returns false, and
  // queues nothing, when the stream is closed or closing, or when the chunk
  // would exceed the buffer cap (the stream is then closed as too slow).
  bool send(std::string chunk);
  bool send_event(std::string_view data, std::string_view event = {}, std::string_view id = {}) {
    return send(format_event(data, event, id));
  }

  // Stops taking chunks, sends what is queued, closes. Idempotent.
  void close();

  // Sets the callback run once when the stream has closed (see above).
  // Replaces a callback set earlier.
  void on_close(std::function<void(StreamCloseReason)> callback);

  // False once closed or closing (send() would return false).
  bool is_open() const;
  // Bytes queued and not yet taken by the kernel.
  std::size_t buffered_bytes() const;
  // The reason, once the stream is closing or closed.
  std::optional<StreamCloseReason> close_reason() const;

 private:
  friend class detail::Session;
  friend class detail::ServerState;

  EventStream(std::shared_ptr<detail::ServerState> state, boost::asio::any_io_executor executor);

  // Strand only: takes over the connection (plain or TLS) and its slot.
  void attach(detail::Transport transport);
  // Any thread: close now without flushing.
  void abort(StreamCloseReason reason);

  // Strand only.
  void flush();
  void on_write(const boost::beast::error_code& ec, std::size_t bytes);
  void start_read();
  void on_read(const boost::beast::error_code& ec, std::size_t bytes);
  void arm_heartbeat();
  void on_heartbeat(const boost::beast::error_code& ec);
  void do_close(StreamCloseReason reason);

  const std::shared_ptr<detail::ServerState> state_;
  const boost::asio::any_io_executor executor_;  // the connection's strand
  const std::size_t max_buffered_;
  const std::chrono::milliseconds write_timeout_;
  const std::chrono::milliseconds heartbeat_interval_;

  // Strand only.
  std::unique_ptr<detail::Transport> transport_;
  boost::asio::steady_timer heartbeat_;
  std::string writing_;  // the bytes of the write in flight
  std::array<char, 512> read_buffer_{};
  bool attached_ = false;
  bool closed_ = false;
  bool peer_closed_ = false;
  bool slot_held_ = false;  // owns a ServerCounters::open_connections slot

  mutable std::mutex mutex_;
  std::string pending_;                                 // guarded by mutex_
  std::size_t queued_bytes_ = 0;                        // guarded by mutex_
  bool accepting_ = true;                               // guarded by mutex_
  bool close_after_flush_ = false;                      // guarded by mutex_
  bool flush_posted_ = false;                           // guarded by mutex_
  bool write_in_flight_ = false;                        // guarded by mutex_
  bool finished_ = false;                               // guarded by mutex_; do_close() ran
  std::optional<StreamCloseReason> reason_;             // guarded by mutex_
  std::function<void(StreamCloseReason)> on_close_;     // guarded by mutex_
};

}  // namespace driftd::http
