// WebhookClient::post() against receivers on loopback sockets: a black hole that
// accepts and never answers, a port nobody listens on, and receivers that
// answer over plain HTTP and over TLS (verified against the test CA).
#include <chrono>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <catch2/catch.hpp>

#include "alerts/webhook_client.h"

namespace driftd::alerts {
namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

const std::string kFixtures = DRIFTD_SOURCE_DIR "/tests/fixtures/tls/";

// A listening socket on 127.0.0.1 that never accepts: connects succeed (the
// kernel completes them) and nothing is ever answered.
struct BlackHole {
  net::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
  std::string port() const { return std::to_string(acceptor.local_endpoint().port()); }
};

// Answers one request with `status` (over TLS when `tls` is set) and keeps
// what it received.
class OneShotReceiver {
 public:
  OneShotReceiver(unsigned status, bool tls) {
    if (tls) {
      context_.use_certificate_chain_file(kFixtures + "server.pem");
      context_.use_private_key_file(kFixtures + "server.key", net::ssl::context::pem);
    }
    thread_ = std::thread([this, status, tls] {
      tcp::socket socket = acceptor_.accept();
      if (tls) {
        boost::beast::ssl_stream<tcp::socket&> stream(socket, context_);
        boost::system::error_code ec;
        stream.handshake(net::ssl::stream_base::server, ec);
        if (!ec) serve(stream, status);
      } else {
        serve(socket, status);
      }
    });
  }
  ~OneShotReceiver() { thread_.join(); }
  std::string port() const { return std::to_string(acceptor_.local_endpoint().port()); }
  bhttp::request<bhttp::string_body> request;

 private:
  template <class Stream>
  void serve(Stream& stream, unsigned status) {
    boost::beast::flat_buffer buffer;
    boost::system::error_code ec;
    bhttp::read(stream, buffer, request, ec);
    bhttp::response<bhttp::string_body> response(static_cast<bhttp::status>(status), 11);
    if (status != 204) response.body() = "ok";
    response.prepare_payload();
    bhttp::write(stream, response, ec);
  }

  net::io_context io_;
  tcp::acceptor acceptor_{io_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
  net::ssl::context context_{net::ssl::context::tls_server};
  std::thread thread_;
};

WebhookTarget target(const std::string& scheme, const std::string& host, const std::string& port) {
  return WebhookTarget::parse(scheme + "://" + host + ":" + port + "/hook?x=1");
}

TEST_CASE("A receiver that never answers is given up on at the timeout") {
  BlackHole hole;
  WebhookClient client(std::nullopt);
  const auto started = std::chrono::steady_clock::now();
  const PostResult result =
      client.post(target("http", "127.0.0.1", hole.port()), "{}", 7, 1, "secret", 300ms);
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK_FALSE(result.delivered());
  CHECK_FALSE(result.status.has_value());
  CHECK(result.error == "no answer within 300 ms");
  CHECK(took < 5s);
}

TEST_CASE("A TLS receiver that never answers is given up on at the timeout") {
  BlackHole hole;
  WebhookClient client(kFixtures + "ca.pem");
  const PostResult result =
      client.post(target("https", "127.0.0.1", hole.port()), "{}", 7, 1, "secret", 300ms);
  CHECK(result.error == "no answer within 300 ms");
}

TEST_CASE("A closed port is reported as refused") {
  std::string port;
  {
    BlackHole hole;
    port = hole.port();
  }
  WebhookClient client(std::nullopt);
  const PostResult result =
      client.post(target("http", "127.0.0.1", port), "{}", 7, 1, "secret", 2s);
  CHECK_FALSE(result.status.has_value());
  CHECK_THAT(result.error, Catch::Contains("refused"));
}

TEST_CASE("A plain receiver gets the body and driftd's headers") {
  OneShotReceiver receiver(204, false);
  WebhookClient client(std::nullopt);
  const PostResult result = client.post(target("http", "127.0.0.1", receiver.port()),
                                        "{\"a\":1}", 42, 3, "secret", 5s);
  CHECK(result.delivered());
  CHECK(result.status == 204);
  CHECK(receiver.request.target() == "/hook?x=1");
  CHECK(receiver.request.body() == "{\"a\":1}");
  CHECK(receiver.request["Idempotency-Key"] == "driftd-event-42");
  CHECK(receiver.request["X-Driftd-Subscription"] == "3");
}

TEST_CASE("A timeout too long for the clock is capped, not overflowed into the past") {
  // 106751991167d: the webhooks.timeout of issue 9, whose deadline overflowed
  // and failed every attempt at once ("no answer within ...").
  OneShotReceiver receiver(204, false);
  WebhookClient client(std::nullopt);
  const PostResult result = client.post(target("http", "127.0.0.1", receiver.port()), "{}", 1, 1,
                                        "secret", std::chrono::hours(24) * 106751991167LL);
  CHECK(result.error == "");
  CHECK(result.delivered());
}

TEST_CASE("An https receiver is verified against the configured CA") {
  SECTION("trusted, by IP address and by name") {
    for (const std::string host : {"127.0.0.1", "localhost"}) {
      OneShotReceiver receiver(200, true);
      WebhookClient client(kFixtures + "ca.pem");
      const PostResult result = client.post(target("https", host, receiver.port()), "{\"a\":1}",
                                            42, 3, "secret", 5s);
      CHECK(result.delivered());
      CHECK(receiver.request.body() == "{\"a\":1}");
      CHECK(receiver.request[bhttp::field::host] == host + ":" + receiver.port());
    }
  }
  SECTION("not trusted by the system store") {
    OneShotReceiver receiver(200, true);
    WebhookClient client(std::nullopt);
    const PostResult result =
        client.post(target("https", "127.0.0.1", receiver.port()), "{}", 42, 3, "secret", 5s);
    CHECK_FALSE(result.status.has_value());
    CHECK_THAT(result.error, Catch::Contains("certificate verify failed"));
  }
}

TEST_CASE("A CA file that cannot be read is refused when the client is built") {
  CHECK_THROWS_WITH(WebhookClient(kFixtures + "missing.pem"),
                    "webhooks.ca_file: CA file \"" + kFixtures +
                        "missing.pem\": No such file or directory");
}

}  // namespace
}  // namespace driftd::alerts
