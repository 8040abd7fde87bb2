#include "http/event_stream.h"

#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "http/detail/server_state.h"
#include "http/detail/transport.h"

namespace driftd::http {

namespace net = boost::asio;
namespace beast = boost::beast;

namespace {

constexpr std::string_view kHeaders =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream\r\n"
    "Cache-Control: no-cache\r\n"
    "Connection: close\r\n"
    "X-Accel-Buffering: no\r\n"
    "\r\n";
constexpr std::string_view kHeartbeat = ": keep-alive\n\n";

void append_single_line(std::string& out, std::string_view text) {
  for (const char c : text) {
    out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  }
}

}  // namespace

std::string_view to_string(StreamCloseReason reason) {
  switch (reason) {
    case StreamCloseReason::closed:
      return "closed";
    case StreamCloseReason::client_gone:
      return "client_gone";
    case StreamCloseReason::too_slow:
      return "too_slow";
    case StreamCloseReason::write_timeout:
      return "write_timeout";
    case StreamCloseReason::server_stopping:
      return "server_stopping";
  }
  return "unknown";
}

std::string EventStream::format_event(std::string_view data, std::string_view event,
                                      std::string_view id) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 32);
  if (!id.empty()) {
    out += "id: ";
    append_single_line(out, id);
    out += '\n';
  }
  if (!event.empty()) {
    out += "event: ";
    append_single_line(out, event);
    out += '\n';
  }
  while (true) {
    const auto newline = data.find('\n');
    std::string_view line = data.substr(0, newline);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    out += "data: ";
    out += line;
    out += '\n';
    if (newline == std::string_view::npos) {
      break;
    }
    data.remove_prefix(newline + 1);
  }
  out += '\n';
  return out;
}

EventStream::EventStream(std::shared_ptr<detail::ServerState> state, net::any_io_executor executor)
    : state_(std::move(state)),
      executor_(std::move(executor)),
      max_buffered_(state_->limits().stream_max_buffered_bytes),
      write_timeout_(state_->limits().stream_write_timeout),
      heartbeat_interval_(state_->limits().stream_heartbeat_interval),
      heartbeat_(executor_),
      pending_(kHeaders),
      queued_bytes_(kHeaders.size()) {}

EventStream::~EventStream() {
  // Normally do_close() already did this; it covers an io_context destroyed
  // with this stream's handlers still queued.
  if (slot_held_) {
    state_->counters().open_connections.fetch_sub(1, std::memory_order_relaxed);
  }
  state_->remove_stream(this);
}

bool EventStream::send(std::string chunk) {
  bool post_flush = false;
  bool overflow = false;
  {
    std::lock_guard lock(mutex_);
    if (!accepting_) {
      return false;
    }
    if (chunk.empty()) {
      return true;
    }
    if (queued_bytes_ + chunk.size() > max_buffered_) {
      overflow = true;
      accepting_ = false;
      if (!reason_) {
        reason_ = StreamCloseReason::too_slow;
      }
    } else {
      pending_ += chunk;
      queued_bytes_ += chunk.size();
      if (!flush_posted_ && !write_in_flight_) {
        flush_posted_ = true;
        post_flush = true;
      }
    }
  }
  if (overflow) {
    state_->counters().streams_too_slow.fetch_add(1, std::memory_order_relaxed);
    net::post(executor_, [self = shared_from_this()] { self->do_close(StreamCloseReason::too_slow); });
    return false;
  }
  if (post_flush) {
    net::post(executor_, [self = shared_from_this()] { self->flush(); });
  }
  return true;
}

void EventStream::close() {
  bool post_flush = false;
  {
    std::lock_guard lock(mutex_);
    if (!accepting_) {
      return;
    }
    accepting_ = false;
    close_after_flush_ = true;
    if (!reason_) {
      reason_ = StreamCloseReason::closed;
    }
    if (!flush_posted_ && !write_in_flight_) {
      flush_posted_ = true;
      post_flush = true;
    }
  }
  if (post_flush) {
    net::post(executor_, [self = shared_from_this()] { self->flush(); });
  }
}

void EventStream::abort(StreamCloseReason reason) {
  {
    std::lock_guard lock(mutex_);
    accepting_ = false;
    if (!reason_) {
      reason_ = reason;
    }
  }
  net::post(executor_, [self = shared_from_this(), reason] { self->do_close(reason); });
}

void EventStream::on_close(std::function<void(StreamCloseReason)> callback) {
  std::optional<StreamCloseReason> already;
  {
    std::lock_guard lock(mutex_);
    if (finished_) {
      already = reason_;
    } else {
      on_close_ = std::move(callback);
    }
  }
  if (already && callback) {
    callback(*already);
  }
}

bool EventStream::is_open() const {
  std::lock_guard lock(mutex_);
  return accepting_;
}

std::size_t EventStream::buffered_bytes() const {
  std::lock_guard lock(mutex_);
  return queued_bytes_;
}

std::optional<StreamCloseReason> EventStream::close_reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

void EventStream::attach(detail::Transport transport) {
  transport_ = std::make_unique<detail::Transport>(std::move(transport));
  if (closed_) {
    // Aborted (server stop) before the connection arrived: close it and
    // release the connection slot the session handed over.
    transport_->close();
    state_->counters().open_connections.fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  slot_held_ = true;
  attached_ = true;
  transport_->tcp().expires_never();
  start_read();
  arm_heartbeat();
  flush();
}

void EventStream::flush() {
  bool start_write = false;
  bool finish = false;
  {
    std::lock_guard lock(mutex_);
    flush_posted_ = false;
    if (closed_ || !attached_ || write_in_flight_) {
      return;
    }
    if (pending_.empty()) {
      finish = close_after_flush_;
    } else {
      writing_.swap(pending_);  // writing_ is empty here: its capacity is recycled
      write_in_flight_ = true;
      start_write = true;
    }
  }
  if (finish) {
    do_close(StreamCloseReason::closed);
    return;
  }
  if (!start_write) {
    return;
  }
  // Only the write timer is set: the pending read keeps "never".
  transport_->tcp().expires_after(write_timeout_);
  transport_->visit([this](auto& stream) {
    net::async_write(stream, net::buffer(writing_),
                     beast::bind_front_handler(&EventStream::on_write, shared_from_this()));
  });
}

void EventStream::on_write(const beast::error_code& ec, std::size_t) {
  if (closed_) {
    return;
  }
  if (ec) {
    if (ec == beast::error::timeout) {
      state_->counters().streams_too_slow.fetch_add(1, std::memory_order_relaxed);
      do_close(StreamCloseReason::write_timeout);
    } else {
      do_close(StreamCloseReason::client_gone);
    }
    return;
  }
  transport_->tcp().expires_never();
  {
    std::lock_guard lock(mutex_);
    queued_bytes_ -= writing_.size();
    write_in_flight_ = false;
  }
  writing_.clear();
  if (peer_closed_) {
    do_close(StreamCloseReason::client_gone);
    return;
  }
  flush();
}

void EventStream::start_read() {
  transport_->visit([this](auto& stream) {
    stream.async_read_some(net::buffer(read_buffer_),
                           beast::bind_front_handler(&EventStream::on_read, shared_from_this()));
  });
}

void EventStream::on_read(const beast::error_code& ec, std::size_t) {
  if (closed_) {
    return;
  }
  if (ec) {
    bool writing = false;
    {
      std::lock_guard lock(mutex_);
      writing = write_in_flight_;
    }
    if (writing) {
      // Let the write's completion decide: it may be a write timeout that
      // closed the socket, which is reported as such.
      peer_closed_ = true;
      return;
    }
    do_close(StreamCloseReason::client_gone);
    return;
  }
  start_read();  // whatever the client sends is ignored
}

void EventStream::arm_heartbeat() {
  if (heartbeat_interval_.count() <= 0) {
    return;
  }
  heartbeat_.expires_after(heartbeat_interval_);
  heartbeat_.async_wait(beast::bind_front_handler(&EventStream::on_heartbeat, shared_from_this()));
}

void EventStream::on_heartbeat(const beast::error_code& ec) {
  if (ec || closed_) {
    return;
  }
  bool beat = false;
  {
    std::lock_guard lock(mutex_);
    if (accepting_ && pending_.empty() && !write_in_flight_ &&
        queued_bytes_ + kHeartbeat.size() <= max_buffered_) {
      pending_ += kHeartbeat;
      queued_bytes_ += kHeartbeat.size();
      beat = true;
    }
  }
  if (beat) {
    state_->counters().stream_heartbeats.fetch_add(1, std::memory_order_relaxed);
    flush();
  }
  arm_heartbeat();
}

void EventStream::do_close(StreamCloseReason reason) {
  if (closed_) {
    return;
  }
  closed_ = true;
  std::function<void(StreamCloseReason)> callback;
  StreamCloseReason final_reason = reason;
  {
    std::lock_guard lock(mutex_);
    accepting_ = false;
    finished_ = true;
    if (!reason_) {
      reason_ = reason;
    }
    final_reason = *reason_;
    callback = std::move(on_close_);
    on_close_ = nullptr;
    pending_.clear();
    queued_bytes_ = 0;
  }
  heartbeat_.cancel();
  if (transport_) {
    transport_->close();
  }
  if (slot_held_) {
    slot_held_ = false;
    state_->counters().open_connections.fetch_sub(1, std::memory_order_relaxed);
  }
  if (callback) {
    try {
      callback(final_reason);
    } catch (...) {
      // A throwing callback must not take the io_context thread down.
    }
  }
  // Last: this may complete a graceful stop, which promises that every
  // on_close callback has run.
  state_->remove_stream(this);
}

}  // namespace driftd::http
