#include "test_support.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <future>
#include <limits>
#include <stdexcept>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

extern char** environ;

namespace driftd::http::test {

namespace net = boost::asio;
namespace beast = boost::beast;

namespace {

// A peer closing while we write must be an error code, not a signal.
const bool kSigpipeIgnored = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

ServerOptions local_options() {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  return options;
}

TestServer::TestServer(ServerOptions options, const std::function<void(Router&)>& routes,
                       int threads)
    : work_(net::make_work_guard(io_)) {
  (void)kSigpipeIgnored;
  server_.emplace(io_, std::move(options));
  if (routes) {
    routes(server_->router());
  }
  server_->start();
  port_ = server_->port();
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { io_.run(); });
  }
}

TestServer::~TestServer() {
  stop_and_wait(1s);
  work_.reset();
  // Lingering closes and rejections end by their own timeouts; give them a
  // moment, then stop the loop regardless.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!io_.stopped() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  io_.stop();
  for (auto& thread : threads_) {
    thread.join();
  }
  server_.reset();
}

std::string TestServer::url(std::string_view path_and_query) const {
  return (server_->uses_tls() ? "https://127.0.0.1:" : "http://127.0.0.1:") +
         std::to_string(port_) + std::string(path_and_query);
}

bool TestServer::stop_and_wait(std::chrono::milliseconds grace, std::chrono::milliseconds bound) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  server_->stop(grace, [done] { done->set_value(); });
  return future.wait_for(bound) == std::future_status::ready;
}

RawClient::RawClient(std::uint16_t port, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw std::runtime_error("socket() failed");
  }
  if (receive_buffer > 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  // The address through Asio's endpoint type, the connect through POSIX so
  // that every later wait can be bounded with poll().
  const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  if (::connect(fd_, endpoint.data(), static_cast<socklen_t>(endpoint.size())) != 0) {
    ::close(fd_);
    throw std::runtime_error("connect() to 127.0.0.1 failed");
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

bool RawClient::send(std::string_view data, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!data.empty()) {
    pollfd pfd{fd_, POLLOUT, 0};
    if (::poll(&pfd, 1, remaining_ms(deadline)) <= 0) {
      return false;
    }
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

long RawClient::receive_some(std::chrono::milliseconds timeout) {
  pollfd pfd{fd_, POLLIN, 0};
  const int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (ready == 0) {
    return -2;
  }
  if (ready < 0) {
    return -1;
  }
  char buffer[65536];
  const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n > 0) {
    inbox_.append(buffer, static_cast<std::size_t>(n));
    return static_cast<long>(n);
  }
  return n == 0 ? 0 : -1;
}

bool RawClient::readable(std::chrono::milliseconds timeout) {
  if (!inbox_.empty()) {
    return true;
  }
  pollfd pfd{fd_, POLLIN, 0};
  return ::poll(&pfd, 1, static_cast<int>(timeout.count())) > 0;
}

std::optional<ClientResponse> RawClient::read_response(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.eager(true);
  parser.body_limit((std::numeric_limits<std::uint64_t>::max)());
  while (true) {
    if (!inbox_.empty()) {
      beast::error_code ec;
      const std::size_t used = parser.put(net::buffer(inbox_), ec);
      inbox_.erase(0, used);
      if (ec && ec != beast::http::error::need_more) {
        return std::nullopt;
      }
      if (parser.is_done()) {
        return parser.release();
      }
      if (!ec && used > 0) {
        continue;
      }
    }
    const int left = remaining_ms(deadline);
    if (left <= 0) {
      return std::nullopt;
    }
    const long got = receive_some(std::chrono::milliseconds(left));
    if (got == 0) {
      beast::error_code ec;
      parser.put_eof(ec);
      if (!ec && parser.is_done()) {
        return parser.release();
      }
      return std::nullopt;
    }
    if (got < 0) {
      return std::nullopt;
    }
  }
}

bool RawClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const int left = remaining_ms(deadline);
    if (left <= 0) {
      return false;
    }
    const long got = receive_some(std::chrono::milliseconds(left));
    if (got == 0 || got == -1) {
      return true;
    }
    if (got == -2) {
      return false;
    }
    inbox_.clear();
  }
}

std::string RawClient::read_for(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const int left = remaining_ms(deadline);
    if (left <= 0) {
      break;
    }
    if (receive_some(std::chrono::milliseconds(left)) <= 0) {
      break;
    }
  }
  std::string out;
  out.swap(inbox_);
  return out;
}

std::string simple_request(std::string_view method, std::string_view target,
                           std::string_view extra_headers, std::string_view body) {
  std::string request = std::string(method) + " " + std::string(target) +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(extra_headers);
  if (!body.empty()) {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n";
  request += body;
  return request;
}

CommandResult run_command(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2() failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  CommandResult result;
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    throw std::runtime_error("cannot run " + argv[0]);
  }
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) {
      result.out.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

CommandResult curl(std::vector<std::string> args) {
  std::vector<std::string> argv{"curl", "-sS", "--max-time", "10"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (true) {
    if (condition()) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return condition();
    }
    std::this_thread::sleep_for(5ms);
  }
}

}  // namespace driftd::http::test
