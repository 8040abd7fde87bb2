// The shared state behind an HttpServer: options, router, counters, the
// acceptor and the registries of open sessions and event streams that a
// graceful stop walks. Private to driftd_http.
//
// Ownership: HttpServer holds one std::shared_ptr; every Session and
// EventStream holds another, so the router and counters outlive the last
// connection even if the HttpServer object is destroyed first.
//
// Thread safety:
//  - limits(), router() (after start), auth(): immutable, any thread.
//  - counters(), body_budget(): atomics, any thread.
//  - acceptor_, stop_timer_, retry_timer_: only on strand_.
//  - sessions_, streams_, stop bookkeeping, tls_: guarded by mutex_.
//  - stop() and the add/remove functions: any thread.
//
// Invariants:
//  1. Once stopping_ is set, add_session() and add_stream() refuse, so the
//     registries only shrink.
//  2. The stop callbacks run exactly once, after the acceptor is closed and
//     both registries are empty.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "http/auth.h"
#include "http/body_budget.h"
#include "http/counters.h"
#include "http/limits.h"
#include "http/router.h"

namespace driftd::http {
class EventStream;
}

namespace driftd::http::detail {

class Session;

class ServerState : public std::enable_shared_from_this<ServerState> {
 public:
  // tls: null for plain HTTP.
  ServerState(boost::asio::io_context& io, const ServerLimits& limits,
              const std::optional<std::string>& bearer_token,
              std::shared_ptr<boost::asio::ssl::context> tls);

  const ServerLimits& limits() const { return limits_; }
  Router& router() { return router_; }
  const Router& router() const { return router_; }
  // nullptr: no authentication configured.
  const BearerAuth* auth() const { return auth_ ? &*auth_ : nullptr; }
  ServerCounters& counters() { return counters_; }
  const ServerCounters& counters() const { return counters_; }
  // The request bodies held across all connections (limits.max_inflight_body_bytes).
  BodyBudget& body_budget() { return body_budget_; }
  const BodyBudget& body_budget() const { return body_budget_; }
  // Acquire: pairs with the release in stop(), for callers that test it
  // outside mutex_ (a stale "false" only lets a request finish normally).
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  // The TLS context new connections get (null: plain HTTP). Any thread.
  std::shared_ptr<boost::asio::ssl::context> tls_context() const;
  // REQUIRES: the server was built with TLS, and tls is not null.
  void set_tls_context(std::shared_ptr<boost::asio::ssl::context> tls);

  // Binds and listens (throws boost::system::system_error), then starts the
  // accept loop. REQUIRES: called once, before stop().
  void listen_and_accept(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint local_endpoint() const { return local_endpoint_; }

  // See HttpServer::stop().
  void stop(std::chrono::milliseconds grace, std::function<void()> on_stopped);
  bool stop_finished() const;

  // Session registry. add_session() returns false when stopping.
  bool add_session(const std::shared_ptr<Session>& session);
  void remove_session(Session* session);

  // Stream registry. On ok, open_streams was incremented.
  enum class StreamSlot { ok, over_cap, stopping };
  StreamSlot add_stream(const std::shared_ptr<EventStream>& stream);
  void remove_stream(EventStream* stream);

 private:
  void do_accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  void reject_connection(boost::asio::ip::tcp::socket socket);
  void on_stop_deadline(const boost::system::error_code& ec);
  // Runs the stop callbacks if the stop is complete. Call without mutex_.
  void maybe_finish_stop();

  boost::asio::io_context& io_;
  const ServerLimits limits_;
  Router router_;  // mutable until listen_and_accept(), then read-only
  std::optional<BearerAuth> auth_;
  ServerCounters counters_;
  BodyBudget body_budget_;

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;  // strand_ only after listen
  boost::asio::steady_timer stop_timer_;     // strand_ only
  boost::asio::steady_timer retry_timer_;    // strand_ only
  boost::asio::ip::tcp::endpoint local_endpoint_;  // immutable after listen

  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> tls_;                            // guarded by mutex_
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;             // guarded by mutex_
  std::unordered_map<EventStream*, std::weak_ptr<EventStream>> streams_;      // guarded by mutex_
  bool acceptor_closed_ = false;                                              // guarded by mutex_
  bool stop_finished_ = false;                                                // guarded by mutex_
  std::vector<std::function<void()>> on_stopped_;                             // guarded by mutex_
};

}  // namespace driftd::http::detail
