#include "http/detail/server_state.h"

#include <array>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "http/detail/session.h"
#include "http/detail/transport.h"
#include "http/event_stream.h"
#include "http/json_response.h"

namespace driftd::http::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

// Answers a connection over max_connections with a canned 503, then closes
// it the lingering way (shutdown send, discard input until EOF or timeout).
// Not registered with the server: bounded by write_timeout + linger_timeout.
class Rejection : public std::enable_shared_from_this<Rejection> {
 public:
  Rejection(tcp::socket socket, const ServerLimits& limits)
      : stream_(std::move(socket)),
        write_timeout_(limits.write_timeout),
        linger_timeout_(limits.linger_timeout) {}

  void start(std::shared_ptr<const std::string> payload) {
    payload_ = std::move(payload);
    stream_.expires_after(write_timeout_);
    net::async_write(stream_, net::buffer(*payload_),
                     beast::bind_front_handler(&Rejection::on_write, shared_from_this()));
  }

 private:
  void on_write(const beast::error_code& ec, std::size_t) {
    if (ec) {
      stream_.close();
      return;
    }
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(linger_timeout_);
    read();
  }
  void read() {
    stream_.async_read_some(net::buffer(discard_),
                            beast::bind_front_handler(&Rejection::on_read, shared_from_this()));
  }
  void on_read(const beast::error_code& ec, std::size_t n) {
    drained_ += n;
    if (ec || drained_ > 64 * 1024) {
      stream_.close();
      return;
    }
    read();
  }

  beast::tcp_stream stream_;
  const std::chrono::milliseconds write_timeout_;
  const std::chrono::milliseconds linger_timeout_;
  std::shared_ptr<const std::string> payload_;
  std::array<char, 2048> discard_{};
  std::size_t drained_ = 0;
};

std::shared_ptr<const std::string> busy_payload() {
  static const auto payload = [] {
    const std::string body =
        to_json_text({{"error", {{"status", 503}, {"message", "too many connections"}}}});
    return std::make_shared<const std::string>(
        "HTTP/1.1 503 Service Unavailable\r\n"
        "Content-Type: application/json\r\n"
        "Retry-After: 1\r\n"
        "Connection: close\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
  }();
  return payload;
}

bool is_resource_exhaustion(const beast::error_code& ec) {
  return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
         ec == net::error::no_memory ||
         ec == beast::error_code(ENFILE, boost::system::system_category());
}

}  // namespace

ServerState::ServerState(net::io_context& io, const ServerLimits& limits,
                         const std::optional<std::string>& bearer_token,
                         std::shared_ptr<net::ssl::context> tls)
    : io_(io),
      limits_(limits),
      body_budget_(limits.max_inflight_body_bytes),
      strand_(net::make_strand(io)),
      acceptor_(strand_),
      stop_timer_(strand_),
      retry_timer_(strand_),
      tls_(std::move(tls)) {
  if (bearer_token) {
    auth_.emplace(*bearer_token);
  }
}

void ServerState::listen_and_accept(const tcp::endpoint& endpoint) {
  router_.freeze();
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  local_endpoint_ = acceptor_.local_endpoint();
  // The post orders the synchronous setup above before the strand's first use.
  net::post(strand_, [self = shared_from_this()] { self->do_accept(); });
}

void ServerState::do_accept() {
  if (!acceptor_.is_open()) {
    return;
  }
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(io_),
                         beast::bind_front_handler(&ServerState::on_accept, shared_from_this()));
}

void ServerState::on_accept(const boost::system::error_code& ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) {
    return;
  }
  if (ec) {
    if (is_resource_exhaustion(ec)) {
      // Out of descriptors: back off instead of spinning on the error.
      retry_timer_.expires_after(std::chrono::milliseconds(50));
      retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& wait_ec) {
        if (!wait_ec) {
          self->do_accept();
        }
      });
      return;
    }
    do_accept();
    return;
  }
  counters_.connections_accepted.fetch_add(1, std::memory_order_relaxed);
  // Only this strand increments open_connections, so the check cannot overshoot.
  if (static_cast<std::size_t>(counters_.open_connections.load(std::memory_order_relaxed)) >=
      limits_.max_connections) {
    counters_.rejected_connections.fetch_add(1, std::memory_order_relaxed);
    reject_connection(std::move(socket));
  } else {
    counters_.open_connections.fetch_add(1, std::memory_order_relaxed);
    std::shared_ptr<net::ssl::context> tls = tls_context();
    Transport transport = tls ? Transport(std::move(socket), std::move(tls))
                              : Transport(std::move(socket));
    std::make_shared<Session>(std::move(transport), shared_from_this())->start();
  }
  do_accept();
}

void ServerState::reject_connection(tcp::socket socket) {
  if (tls_context()) {
    // Answering would first cost a TLS handshake, which is what a flood of
    // connections must not be given.
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  counters_.count_response(503);
  std::make_shared<Rejection>(std::move(socket), limits_)->start(busy_payload());
}

std::shared_ptr<net::ssl::context> ServerState::tls_context() const {
  std::lock_guard lock(mutex_);
  return tls_;
}

void ServerState::set_tls_context(std::shared_ptr<net::ssl::context> tls) {
  std::lock_guard lock(mutex_);
  tls_ = std::move(tls);
}

void ServerState::stop(std::chrono::milliseconds grace, std::function<void()> on_stopped) {
  std::vector<std::shared_ptr<Session>> sessions;
  std::vector<std::shared_ptr<EventStream>> streams;
  {
    std::unique_lock lock(mutex_);
    if (stop_finished_) {
      lock.unlock();
      if (on_stopped) {
        on_stopped();  // already stopped: run it now
      }
      return;
    }
    if (on_stopped) {
      on_stopped_.push_back(std::move(on_stopped));
    }
    if (stopping_.load(std::memory_order_relaxed)) {
      return;  // the first stop() owns the deadline
    }
    stopping_.store(true, std::memory_order_release);
    for (auto& [ptr, weak] : sessions_) {
      if (auto session = weak.lock()) {
        sessions.push_back(std::move(session));
      }
    }
    for (auto& [ptr, weak] : streams_) {
      if (auto stream = weak.lock()) {
        streams.push_back(std::move(stream));
      }
    }
  }
  net::post(strand_, [self = shared_from_this(), grace] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
    {
      std::lock_guard lock(self->mutex_);
      self->acceptor_closed_ = true;
    }
    self->stop_timer_.expires_after(grace);
    self->stop_timer_.async_wait(
        beast::bind_front_handler(&ServerState::on_stop_deadline, self));
    self->maybe_finish_stop();
  });
  for (const auto& session : sessions) {
    session->begin_shutdown();
  }
  for (const auto& stream : streams) {
    stream->abort(StreamCloseReason::server_stopping);
  }
}

void ServerState::on_stop_deadline(const boost::system::error_code& ec) {
  if (ec) {
    return;  // cancelled: the stop finished in time
  }
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(mutex_);
    for (auto& [ptr, weak] : sessions_) {
      if (auto session = weak.lock()) {
        sessions.push_back(std::move(session));
      }
    }
  }
  for (const auto& session : sessions) {
    session->force_close();
  }
}

bool ServerState::stop_finished() const {
  std::lock_guard lock(mutex_);
  return stop_finished_;
}

void ServerState::maybe_finish_stop() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_.load(std::memory_order_relaxed) || stop_finished_ || !acceptor_closed_ ||
        !sessions_.empty() || !streams_.empty()) {
      return;
    }
    stop_finished_ = true;
    callbacks.swap(on_stopped_);
  }
  net::post(strand_, [self = shared_from_this()] { self->stop_timer_.cancel(); });
  for (auto& callback : callbacks) {
    callback();
  }
}

bool ServerState::add_session(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  if (stopping_.load(std::memory_order_relaxed)) {
    return false;
  }
  sessions_.emplace(session.get(), session);
  return true;
}

void ServerState::remove_session(Session* session) {
  {
    std::lock_guard lock(mutex_);
    if (sessions_.erase(session) == 0) {
      return;
    }
  }
  maybe_finish_stop();
}

ServerState::StreamSlot ServerState::add_stream(const std::shared_ptr<EventStream>& stream) {
  std::lock_guard lock(mutex_);
  if (stopping_.load(std::memory_order_relaxed)) {
    return StreamSlot::stopping;
  }
  if (streams_.size() >= limits_.max_streams) {
    return StreamSlot::over_cap;
  }
  streams_.emplace(stream.get(), stream);
  counters_.open_streams.fetch_add(1, std::memory_order_relaxed);
  return StreamSlot::ok;
}

void ServerState::remove_stream(EventStream* stream) {
  {
    std::lock_guard lock(mutex_);
    if (streams_.erase(stream) == 0) {
      return;
    }
    counters_.open_streams.fetch_sub(1, std::memory_order_relaxed);
  }
  maybe_finish_stop();
}

}  // namespace driftd::http::detail
