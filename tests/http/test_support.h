// Helpers for the HTTP server tests: a server running on its own io_context
// threads, a raw socket client for abuse cases, and a way to run curl.
// Everything talks to 127.0.0.1 only and every wait is bounded.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/server.h"

namespace driftd::http::test {

using namespace std::chrono_literals;

// Options for a test server: 127.0.0.1, ephemeral port, defaults otherwise.
ServerOptions local_options();

// An HttpServer on its own io_context, run by `threads` threads.
class TestServer {
 public:
  TestServer(ServerOptions options, const std::function<void(Router&)>& routes, int threads = 2);
  ~TestServer();  // stop(grace 1 s), wait for it (bounded), join the threads

  HttpServer& server() { return *server_; }
  std::uint16_t port() const { return port_; }
  // http:// or https:// (when the server uses TLS) on 127.0.0.1.
  std::string url(std::string_view path_and_query) const;

  // Calls stop(grace) and waits (at most `bound`) for on_stopped. True if it ran.
  bool stop_and_wait(std::chrono::milliseconds grace, std::chrono::milliseconds bound = 10s);

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::optional<HttpServer> server_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
};

using ClientResponse = boost::beast::http::response<boost::beast::http::string_body>;

// A blocking TCP client on 127.0.0.1 with bounded waits (poll-based), for
// requests a well-behaved client would never send.
class RawClient {
 public:
  // Connects; `receive_buffer` > 0 sets SO_RCVBUF first (a small window for
  // clients that never read). Throws std::runtime_error if it cannot connect.
  explicit RawClient(std::uint16_t port, int receive_buffer = 0);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Sends everything; false if the connection broke (EPIPE, reset) or the
  // bytes could not be sent within `timeout`.
  bool send(std::string_view data, std::chrono::milliseconds timeout = 5s);
  // Reads one complete response; std::nullopt on close, timeout or garbage.
  std::optional<ClientResponse> read_response(std::chrono::milliseconds timeout = 5s);
  // Waits until the server closes the connection (EOF or reset), discarding
  // data. False if it is still open after `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout = 5s);
  // Reads whatever arrives until `timeout` or close; returns it.
  std::string read_for(std::chrono::milliseconds timeout);
  // True if data is readable (or EOF pending) within `timeout`.
  bool readable(std::chrono::milliseconds timeout);

  int fd() const { return fd_; }

 private:
  // One recv() after waiting up to `timeout`: >0 bytes appended to inbox_,
  // 0 on EOF, -1 on error, -2 on timeout.
  long receive_some(std::chrono::milliseconds timeout);

  int fd_ = -1;
  std::string inbox_;  // received, not yet parsed
};

// "GET /path HTTP/1.1" with Host and the given extra header lines.
std::string simple_request(std::string_view method, std::string_view target,
                           std::string_view extra_headers = {}, std::string_view body = {});

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
};
// Runs argv (PATH lookup) with stdout captured, stderr discarded.
CommandResult run_command(const std::vector<std::string>& argv);

// curl with -sS and --max-time 10 prepended.
CommandResult curl(std::vector<std::string> args);

// Runs a function when the scope ends. Declare one after the TestServer to
// release, before the server's io_context goes away, what a test holds that
// refers to it (Responders, worker threads).
class ScopeExit {
 public:
  explicit ScopeExit(std::function<void()> action) : action_(std::move(action)) {}
  ~ScopeExit() {
    if (action_) {
      action_();
    }
  }
  ScopeExit(const ScopeExit&) = delete;
  ScopeExit& operator=(const ScopeExit&) = delete;

 private:
  std::function<void()> action_;
};

// Polls `condition` every 5 ms until true or `bound` passes. Returns its last value.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound = 5s);

}  // namespace driftd::http::test
