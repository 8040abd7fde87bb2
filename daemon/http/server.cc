#include "http/server.h"

#include <stdexcept>

#include "common/timer_limit.h"
#include "http/detail/server_state.h"
#include "http/endpoint.h"

namespace driftd::http {

namespace {

void validate(const ServerOptions& options) {
  const ServerLimits& l = options.limits;
  auto require = [](bool ok, const std::string& what) {
    if (!ok) {
      throw std::invalid_argument("HTTP server: " + what);
    }
  };
  auto require_timer = [&](std::chrono::milliseconds duration, const std::string& what) {
    require(duration.count() > 0, what + " must be > 0");
    require(duration <= kMaxTimerDuration,
            what + " must be at most kMaxTimerDuration (common/timer_limit.h)");
  };
  require(l.max_body_bytes > 0, "max_body_bytes must be > 0");
  require(l.max_inflight_body_bytes > 0, "max_inflight_body_bytes must be > 0");
  require(l.max_header_bytes > 0, "max_header_bytes must be > 0");
  require_timer(l.header_timeout, "header_timeout");
  require_timer(l.body_timeout, "body_timeout");
  require_timer(l.idle_timeout, "idle_timeout");
  require_timer(l.write_timeout, "write_timeout");
  require_timer(l.linger_timeout, "linger_timeout");
  require(l.max_connections > 0, "max_connections must be > 0");
  require(l.stream_max_buffered_bytes > 0, "stream_max_buffered_bytes must be > 0");
  require_timer(l.stream_write_timeout, "stream_write_timeout");
  require(l.stream_heartbeat_interval.count() >= 0, "stream_heartbeat_interval must be >= 0");
  require(l.stream_heartbeat_interval <= kMaxTimerDuration,
          "stream_heartbeat_interval must be at most kMaxTimerDuration (common/timer_limit.h)");
  require(!options.bearer_token || !options.bearer_token->empty(),
          "bearer_token must not be empty");
}

}  // namespace

HttpServer::HttpServer(boost::asio::io_context& io, ServerOptions options)
    : listen_(options.listen) {
  validate(options);
  state_ = std::make_shared<detail::ServerState>(io, options.limits, options.bearer_token,
                                                 std::move(options.tls));
}

HttpServer::~HttpServer() {
  if (!state_->stop_finished()) {
    state_->stop(std::chrono::milliseconds(0), {});
  }
}

Router& HttpServer::router() { return state_->router(); }

void HttpServer::start() {
  if (started_ || state_->stopping()) {
    throw std::logic_error("HttpServer::start() called twice or after stop()");
  }
  const auto endpoint = resolve_listen_address(listen_);
  started_ = true;
  state_->listen_and_accept(endpoint);
}

boost::asio::ip::tcp::endpoint HttpServer::local_endpoint() const {
  return state_->local_endpoint();
}

void HttpServer::stop(std::chrono::milliseconds grace, std::function<void()> on_stopped) {
  state_->stop(grace, std::move(on_stopped));
}

bool HttpServer::stopped() const { return state_->stop_finished(); }

void HttpServer::set_tls_context(std::shared_ptr<boost::asio::ssl::context> tls) {
  if (!tls || !state_->tls_context()) {
    throw std::logic_error("HttpServer::set_tls_context(): the server does not use TLS");
  }
  state_->set_tls_context(std::move(tls));
}

bool HttpServer::uses_tls() const { return state_->tls_context() != nullptr; }

const ServerCounters& HttpServer::counters() const { return state_->counters(); }

std::int64_t HttpServer::open_connections() const {
  return state_->counters().open_connections.load(std::memory_order_relaxed);
}

std::uint64_t HttpServer::inflight_body_bytes() const {
  return state_->body_budget().in_use();
}

std::int64_t HttpServer::open_streams() const {
  return state_->counters().open_streams.load(std::memory_order_relaxed);
}

}  // namespace driftd::http
