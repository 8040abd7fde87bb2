// Request limits and timeouts: body and header size, slow loris, idle
// connections, the connection cap.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "common/timer_limit.h"
#include "http/json_response.h"
#include "test_support.h"

using namespace driftd::http;
using namespace driftd::http::test;

namespace {

void size_routes(Router& router) {
  router.post("/upload", [](Request& request, Responder respond) {
    const std::string& body = request.body();
    respond(json_response(Status::ok, {{"bytes", body.size()},
                                       {"padded", body.capacity() >= body.size() + kBodyPadding}}));
  });
  router.get("/ping", [](Request&, Responder respond) {
    respond(text_response(Status::ok, "pong"));
  });
}

ServerOptions small_body_options() {
  ServerOptions options = local_options();
  options.limits.max_body_bytes = 1024;
  return options;
}

}  // namespace

TEST_CASE("a body at the limit is accepted", "[http][limits]") {
  TestServer server(small_body_options(), size_routes);
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("POST", "/upload", {}, std::string(1024, 'x'))));
  const auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::ok);
  CHECK(nlohmann::json::parse(response->body())["bytes"] == 1024);
  CHECK(nlohmann::json::parse(response->body())["padded"] == true);
  // And a request without any body.
  REQUIRE(client.send(simple_request("POST", "/upload")));
  const auto empty = client.read_response();
  REQUIRE(empty);
  CHECK(nlohmann::json::parse(empty->body())["bytes"] == 0);
  CHECK(nlohmann::json::parse(empty->body())["padded"] == true);
}

TEST_CASE("a Content-Length over the limit gets 413 and the connection closes", "[http][limits]") {
  TestServer server(small_body_options(), size_routes);
  RawClient client(server.port());
  // Only the header: the server must answer without waiting for the body.
  REQUIRE(client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n"));
  const auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::payload_too_large);
  CHECK(nlohmann::json::parse(response->body())["error"]["status"] == 413);
  CHECK_FALSE(response->keep_alive());
  CHECK(client.wait_closed());
  CHECK(server.server().counters().rejected_body_too_large.load() == 1);
}

TEST_CASE("a chunked body growing past the limit gets 413 and the connection closes", "[http][limits]") {
  TestServer server(small_body_options(), size_routes);
  RawClient client(server.port());
  std::string request = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 8; ++i) {
    request += "200\r\n" + std::string(512, 'y') + "\r\n";  // 8 x 512 bytes
  }
  request += "0\r\n\r\n";
  client.send(request);  // the server may close before taking it all
  const auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::payload_too_large);
  CHECK(client.wait_closed());
}

TEST_CASE("a chunked body under the limit is accepted", "[http][limits]") {
  TestServer server(small_body_options(), size_routes);
  RawClient client(server.port());
  REQUIRE(client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  const auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::ok);
  CHECK(nlohmann::json::parse(response->body())["bytes"] == 11);
  CHECK(nlohmann::json::parse(response->body())["padded"] == true);
}

TEST_CASE("bodies beyond max_inflight_body_bytes get 503 with Retry-After until the budget frees",
          "[http][limits][body_budget]") {
  ServerOptions options = local_options();
  options.limits.max_body_bytes = 4096;
  options.limits.max_inflight_body_bytes = 4096;
  TestServer server(options, size_routes);
  const auto refused = [&](RawClient& client) {
    const auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->result() == Status::service_unavailable);
    CHECK((*response)[boost::beast::http::field::retry_after] == "1");
    const auto error = nlohmann::json::parse(response->body())["error"];
    CHECK(error["status"] == 503);
    CHECK(error["message"].get<std::string>().find("http.max_inflight_body_bytes") !=
          std::string::npos);
    CHECK(client.wait_closed());
  };

  // A slow sender holds 3000 of the 4096 bytes: declared, barely sent.
  RawClient slow(server.port());
  REQUIRE(slow.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\nabc"));
  REQUIRE(eventually([&] { return server.server().inflight_body_bytes() == 3000; }));

  // 2000 more do not fit: refused from the header, before the body is read.
  RawClient over(server.port());
  REQUIRE(over.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n"));
  refused(over);
  CHECK(server.server().counters().rejected_body_budget.load() == 1);

  // 1000 fit, and come back once answered.
  RawClient small(server.port());
  REQUIRE(small.send(simple_request("POST", "/upload", {}, std::string(1000, 's'))));
  const auto ok = small.read_response();
  REQUIRE(ok);
  CHECK(ok->result() == Status::ok);
  CHECK(eventually([&] { return server.server().inflight_body_bytes() == 3000; }));

  // A chunked body reserves chunk by chunk: the third 512-byte chunk does not fit.
  RawClient chunked(server.port());
  std::string request = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) {
    request += "200\r\n" + std::string(512, 'c') + "\r\n";
  }
  chunked.send(request + "0\r\n\r\n");  // the server may close before taking it all
  refused(chunked);
  CHECK(server.server().counters().rejected_body_budget.load() == 2);
  CHECK(eventually([&] { return server.server().inflight_body_bytes() == 3000; }));

  // The slow sender gives up: its bytes come back, and 2000 fit now.
  ::shutdown(slow.fd(), SHUT_RDWR);
  CHECK(eventually([&] { return server.server().inflight_body_bytes() == 0; }));
  RawClient retry(server.port());
  REQUIRE(retry.send(simple_request("POST", "/upload", {}, std::string(2000, 'r'))));
  const auto accepted = retry.read_response();
  REQUIRE(accepted);
  CHECK(accepted->result() == Status::ok);
  CHECK(eventually([&] { return server.server().inflight_body_bytes() == 0; }));
}

TEST_CASE("curl uploading too much gets 413", "[http][limits]") {
  ServerOptions options = local_options();
  options.limits.max_body_bytes = 64 * 1024;
  TestServer server(options, size_routes);
  const std::string path = "/tmp/driftd_http_upload_" + std::to_string(server.port()) + ".bin";
  {
    std::ofstream file(path, std::ios::binary);
    file << std::string(3 * 1024 * 1024, 'z');
  }
  const auto result = curl({"-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@" + path,
                            server.url("/upload")});
  std::remove(path.c_str());
  CHECK(result.out == "413");
}

TEST_CASE("a header over the limit gets 431", "[http][limits]") {
  ServerOptions options = local_options();
  options.limits.max_header_bytes = 2048;
  TestServer server(options, size_routes);
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("GET", "/ping", "X-Big: " + std::string(4096, 'h') + "\r\n")));
  const auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::request_header_fields_too_large);
  CHECK(client.wait_closed());
}

TEST_CASE("a client trickling its header is cut off at the header timeout", "[http][limits]") {
  ServerOptions options = local_options();
  options.limits.header_timeout = 300ms;
  TestServer server(options, size_routes);
  RawClient client(server.port());
  REQUIRE(client.send("GET /ping HTTP/1.1\r\n"));
  bool closed = false;
  // One header line every 50 ms, for at most 10 s: the server must hang up.
  for (int i = 0; i < 200 && !closed; ++i) {
    if (!client.send("X-Slow-" + std::to_string(i) + ": 1\r\n", 1s)) {
      closed = true;
      break;
    }
    closed = client.readable(50ms) && client.wait_closed(1s);
  }
  CHECK(closed);
  CHECK(eventually([&] { return server.server().counters().timeouts.load() >= 1; }));
  // The server itself is fine.
  RawClient next(server.port());
  REQUIRE(next.send(simple_request("GET", "/ping")));
  const auto response = next.read_response();
  REQUIRE(response);
  CHECK(response->body() == "pong");
}

TEST_CASE("a connection that never sends a request is closed", "[http][limits]") {
  ServerOptions options = local_options();
  options.limits.header_timeout = 300ms;
  TestServer server(options, size_routes);
  RawClient client(server.port());
  CHECK(client.wait_closed(10s));
  CHECK(eventually([&] { return server.server().open_connections() == 0; }));
}

TEST_CASE("an idle keep-alive connection is closed after the idle timeout", "[http][limits]") {
  ServerOptions options = local_options();
  options.limits.idle_timeout = 300ms;
  TestServer server(options, size_routes);
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("GET", "/ping")));
  REQUIRE(client.read_response());
  CHECK(client.wait_closed(10s));
}

TEST_CASE("timeouts beyond kMaxTimerDuration are refused, not overflowed", "[http][limits]") {
  // 106751991167d: the idle_timeout of issue 9, whose deadline overflowed
  // the clock and closed every keep-alive connection at once.
  boost::asio::io_context io;
  ServerOptions options = local_options();
  options.limits.idle_timeout = std::chrono::hours(24) * 106751991167LL;
  CHECK_THROWS_WITH(HttpServer(io, options),
                    "HTTP server: idle_timeout must be at most kMaxTimerDuration "
                    "(common/timer_limit.h)");
  options.limits.idle_timeout = driftd::kMaxTimerDuration;
  TestServer server(options, size_routes);
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("GET", "/ping")));
  REQUIRE(client.read_response());
  REQUIRE(client.send(simple_request("GET", "/ping")));
  CHECK(client.read_response());  // still open: the idle deadline is 146 years away
}

TEST_CASE("a slow body is cut off at the body timeout", "[http][limits]") {
  ServerOptions options = local_options();
  options.limits.body_timeout = 300ms;
  TestServer server(options, size_routes);
  RawClient client(server.port());
  REQUIRE(client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
  CHECK(client.wait_closed(10s));
}

TEST_CASE("connections beyond max_connections get 503 and are closed", "[http][limits]") {
  ServerOptions options = local_options();
  options.limits.max_connections = 2;
  TestServer server(options, size_routes);
  RawClient first(server.port());
  RawClient second(server.port());
  REQUIRE(eventually([&] { return server.server().open_connections() == 2; }));

  RawClient third(server.port());
  const auto response = third.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::service_unavailable);
  CHECK(nlohmann::json::parse(response->body())["error"]["status"] == 503);
  CHECK(third.wait_closed());
  CHECK(server.server().counters().rejected_connections.load() == 1);

  // The first two still work, and a slot frees up when one leaves.
  REQUIRE(first.send(simple_request("GET", "/ping", "Connection: close\r\n")));
  REQUIRE(first.read_response());
  REQUIRE(first.wait_closed());
  REQUIRE(eventually([&] { return server.server().open_connections() == 1; }));
  RawClient fourth(server.port());
  REQUIRE(fourth.send(simple_request("GET", "/ping")));
  const auto ok = fourth.read_response();
  REQUIRE(ok);
  CHECK(ok->result() == Status::ok);
}

TEST_CASE("Expect 100-continue gets 100 before the body is read", "[http][limits]") {
  TestServer server(small_body_options(), size_routes);
  RawClient client(server.port());
  REQUIRE(client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                      "Expect: 100-continue\r\n\r\n"));
  const auto interim = client.read_response();
  REQUIRE(interim);
  CHECK(interim->result() == Status::continue_);
  REQUIRE(client.send("hello"));
  const auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::ok);
}
