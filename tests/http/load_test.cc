// 200 concurrent keep-alive clients on loopback, half of them answered from
// worker threads. Bounded: 200 connections x 5 requests, 10 s per operation.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include "http/json_response.h"
#include "test_support.h"

using namespace driftd::http;
using namespace driftd::http::test;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

constexpr int kClients = 200;
constexpr int kRequestsPerClient = 5;

struct Tally {
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
};

// One client: connect, then kRequestsPerClient requests on the same
// connection, checking each answer names its stream.
class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(net::io_context& io, net::ip::tcp::endpoint endpoint, int id, Tally& tally)
      : stream_(net::make_strand(io)), endpoint_(endpoint), id_(id), tally_(tally) {}

  void start() {
    stream_.expires_after(10s);
    stream_.async_connect(endpoint_, beast::bind_front_handler(&Client::on_connect, shared_from_this()));
  }

 private:
  void on_connect(const beast::error_code& ec) {
    if (ec) {
      tally_.failed += kRequestsPerClient;
      return;
    }
    send();
  }
  void send() {
    request_ = {};
    request_.method(bhttp::verb::get);
    request_.target((id_ % 2 == 0 ? "/sync/" : "/async/") + std::to_string(id_) + "?n=" +
                    std::to_string(done_));
    request_.version(11);
    request_.set(bhttp::field::host, "127.0.0.1");
    stream_.expires_after(10s);
    bhttp::async_write(stream_, request_, beast::bind_front_handler(&Client::on_write, shared_from_this()));
  }
  void on_write(const beast::error_code& ec, std::size_t) {
    if (ec) {
      fail();
      return;
    }
    response_ = {};
    stream_.expires_after(10s);
    bhttp::async_read(stream_, buffer_, response_,
                      beast::bind_front_handler(&Client::on_read, shared_from_this()));
  }
  void on_read(const beast::error_code& ec, std::size_t) {
    if (ec || response_.result() != bhttp::status::ok) {
      fail();
      return;
    }
    const auto body = nlohmann::json::parse(response_.body(), nullptr, false);
    if (body.is_discarded() || body["id"] != std::to_string(id_) || body["n"] != std::to_string(done_)) {
      fail();
      return;
    }
    ++tally_.ok;
    if (++done_ < kRequestsPerClient) {
      send();
      return;
    }
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
  }
  void fail() {
    tally_.failed += kRequestsPerClient - done_;
    stream_.close();
  }

  beast::tcp_stream stream_;
  net::ip::tcp::endpoint endpoint_;
  int id_;
  int done_ = 0;
  Tally& tally_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::empty_body> request_;
  bhttp::response<bhttp::string_body> response_;
};

}  // namespace

TEST_CASE("200 concurrent keep-alive clients are all served", "[http][load]") {
  net::thread_pool workers(2);
  ServerOptions options = local_options();
  TestServer server(options, [&](Router& router) {
    auto answer = [](const Request& request) {
      return json_response(Status::ok, {{"id", std::string(request.param("id"))},
                                        {"n", std::string(request.query("n").value_or(""))}});
    };
    router.get("/sync/{id}", [answer](Request& request, Responder respond) {
      respond(answer(request));
    });
    router.get("/async/{id}", [answer, &workers](Request& request, Responder respond) {
      auto shared = std::make_shared<Responder>(std::move(respond));
      net::post(workers, [answer, request = std::move(request), shared] { (*shared)(answer(request)); });
    });
  }, 3);
  ScopeExit join_workers([&] { workers.join(); });

  Tally tally;
  net::io_context client_io;
  const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), server.port());
  for (int i = 0; i < kClients; ++i) {
    std::make_shared<Client>(client_io, endpoint, i, tally)->start();
  }
  std::vector<std::thread> client_threads;
  for (int i = 0; i < 2; ++i) {
    client_threads.emplace_back([&] { client_io.run(); });
  }
  for (auto& thread : client_threads) {
    thread.join();
  }

  CHECK(tally.failed.load() == 0);
  CHECK(tally.ok.load() == kClients * kRequestsPerClient);
  const auto& counters = server.server().counters();
  CHECK(counters.responses(2) == static_cast<std::uint64_t>(kClients * kRequestsPerClient));
  CHECK(counters.connections_accepted.load() == static_cast<std::uint64_t>(kClients));
  CHECK(counters.rejected_total() == 0);
  CHECK(eventually([&] { return server.server().open_connections() == 0; }));
}
