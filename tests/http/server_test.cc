// Routing, parameters, keep-alive and authentication over real sockets.
#include <catch2/catch.hpp>

#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <nlohmann/json.hpp>

#include "http/json_response.h"
#include "test_support.h"

using namespace driftd::http;
using namespace driftd::http::test;
namespace bhttp = boost::beast::http;

namespace {

void echo_routes(Router& router) {
  router.get("/healthz", [](Request&, Responder respond) {
    respond(text_response(Status::ok, "ok\n"));
  }, RouteOptions{.public_access = true});
  router.post("/v1/streams/{stream}/events", [](Request& request, Responder respond) {
    nlohmann::json out;
    out["stream"] = std::string(request.param("stream"));
    out["bytes"] = request.body().size();
    out["content_type"] = std::string(request.header("content-type"));
    respond(json_response(Status::accepted, out));
  });
  router.get("/v1/streams/{stream}/windows", [](Request& request, Responder respond) {
    nlohmann::json out;
    out["stream"] = std::string(request.param("stream"));
    out["from"] = request.query("from") ? nlohmann::json(std::string(*request.query("from")))
                                        : nlohmann::json();
    nlohmann::json tags = nlohmann::json::array();
    for (auto tag : request.query_params().find_all("tag")) {
      tags.push_back(std::string(tag));
    }
    out["tags"] = tags;
    out["path"] = std::string(request.path());
    respond(json_response(Status::ok, out));
  });
  router.del("/v1/streams/{stream}/windows", [](Request&, Responder respond) {
    respond(json_response(Status::ok, nlohmann::json::object()));
  });
}

nlohmann::json json_body(const ClientResponse& response) {
  return nlohmann::json::parse(response.body());
}

}  // namespace

TEST_CASE("server routes with decoded path and query parameters", "[http][server]") {
  TestServer server(local_options(), echo_routes);
  const auto result = curl(
      {server.url("/v1/streams/orders%20eu%2F1/windows?from=2024-01-01T00%3A00%3A00Z&tag=a+b&tag=c")});
  REQUIRE(result.exit_code == 0);
  const auto body = nlohmann::json::parse(result.out);
  CHECK(body["stream"] == "orders eu/1");
  CHECK(body["from"] == "2024-01-01T00:00:00Z");
  CHECK(body["tags"] == nlohmann::json::array({"a b", "c"}));
  CHECK(body["path"] == "/v1/streams/orders%20eu%2F1/windows");
}

TEST_CASE("server passes the request body and headers to the handler", "[http][server]") {
  TestServer server(local_options(), echo_routes);
  const auto result = curl({"-X", "POST", "-H", "Content-Type: application/x-ndjson",
                            "--data-binary", "{\"a\":1}\n{\"a\":2}\n", "-w", "\n%{http_code}",
                            server.url("/v1/streams/s1/events")});
  REQUIRE(result.exit_code == 0);
  const auto newline = result.out.rfind('\n');
  CHECK(result.out.substr(newline + 1) == "202");
  const auto body = nlohmann::json::parse(result.out.substr(0, newline));
  CHECK(body["stream"] == "s1");
  CHECK(body["bytes"] == 16);
  CHECK(body["content_type"] == "application/x-ndjson");
}

TEST_CASE("server answers 404 with a JSON error for unknown paths", "[http][server]") {
  TestServer server(local_options(), echo_routes);
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("GET", "/nope")));
  const auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::not_found);
  CHECK((*response)[bhttp::field::content_type] == "application/json");
  CHECK(json_body(*response)["error"]["status"] == 404);
  CHECK(response->keep_alive());  // an error without a body keeps the connection
  CHECK(server.server().counters().responses(4) == 1);
  CHECK(server.server().counters().responses(2) == 0);
}

TEST_CASE("server answers 405 with an Allow header for a wrong method", "[http][server]") {
  TestServer server(local_options(), echo_routes);
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("PUT", "/v1/streams/s/windows")));
  const auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::method_not_allowed);
  CHECK((*response)[bhttp::field::allow] == "DELETE, GET, HEAD");
  CHECK(json_body(*response)["error"]["status"] == 405);
}

TEST_CASE("server answers 400 for malformed percent-encoding and targets", "[http][server]") {
  TestServer server(local_options(), echo_routes);
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("GET", "/v1/streams/%zz/windows")));
  auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::bad_request);
  REQUIRE(client.send(simple_request("GET", "/v1/streams/s/windows?from=%4")));
  response = client.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::bad_request);
  REQUIRE(client.send("GET http://example.invalid/x HTTP/1.1\r\nHost: x\r\n\r\n"));
  response = client.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::bad_request);

  RawClient garbage(server.port());
  REQUIRE(garbage.send("NOT HTTP AT ALL\r\n\r\n"));
  response = garbage.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::bad_request);
  CHECK(garbage.wait_closed());
}

TEST_CASE("server keeps a connection alive across requests", "[http][server]") {
  TestServer server(local_options(), echo_routes);
  RawClient client(server.port());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(client.send(simple_request("GET", "/healthz")));
    const auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->result() == Status::ok);
    CHECK(response->body() == "ok\n");
    CHECK(response->keep_alive());
  }
  // Pipelined: two requests in one write, two answers in order.
  REQUIRE(client.send(simple_request("GET", "/v1/streams/one/windows") +
                      simple_request("GET", "/v1/streams/two/windows")));
  const auto first = client.read_response();
  const auto second = client.read_response();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(json_body(*first)["stream"] == "one");
  CHECK(json_body(*second)["stream"] == "two");
  CHECK(server.server().counters().connections_accepted.load() == 1);
  CHECK(server.server().counters().responses(2) == 5);
}

TEST_CASE("curl reuses one connection for two requests", "[http][server]") {
  TestServer server(local_options(), echo_routes);
  const auto result =
      curl({"-o", "/dev/null", "-o", "/dev/null", "-w", "%{http_code} %{num_connects}\n",
            server.url("/healthz"), server.url("/v1/streams/x/windows")});
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "200 1\n200 0\n");
  CHECK(server.server().counters().connections_accepted.load() == 1);
}

TEST_CASE("server closes after Connection close and after HTTP/1.0", "[http][server]") {
  TestServer server(local_options(), echo_routes);
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("GET", "/healthz", "Connection: close\r\n")));
  auto response = client.read_response();
  REQUIRE(response);
  CHECK_FALSE(response->keep_alive());
  CHECK(client.wait_closed());

  RawClient old(server.port());
  REQUIRE(old.send("GET /healthz HTTP/1.0\r\n\r\n"));
  response = old.read_response();
  REQUIRE(response);
  CHECK(response->version() == 10);
  CHECK(response->result() == Status::ok);
  CHECK(old.wait_closed());
}

TEST_CASE("a handler answering Connection close closes the connection", "[http][server]") {
  TestServer server(local_options(), [](Router& router) {
    router.get("/bye", [](Request&, Responder respond) {
      Response response = text_response(Status::ok, "bye");
      response.keep_alive(false);
      respond(std::move(response));
    });
  });
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("GET", "/bye")));
  const auto response = client.read_response();
  REQUIRE(response);
  CHECK_FALSE(response->keep_alive());
  CHECK(client.wait_closed());
}

TEST_CASE("HEAD requests get headers without a body", "[http][server]") {
  TestServer server(local_options(), [](Router& router) {
    router.add(Verb::head, "/thing", [](Request&, Responder respond) {
      respond(text_response(Status::ok, "twelve bytes"));
    });
    router.get("/after", [](Request&, Responder respond) {
      respond(text_response(Status::ok, "after"));
    });
  });
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("HEAD", "/thing") + simple_request("GET", "/after")));
  // The raw bytes: the HEAD answer announces 12 bytes but sends none, so the
  // next bytes on the wire are the GET answer.
  std::string wire;
  REQUIRE(eventually([&] {
    wire += client.read_for(50ms);
    return wire.find("after") != std::string::npos;
  }));
  CHECK(wire.find("Content-Length: 12\r\n") != std::string::npos);
  CHECK(wire.find("twelve bytes") == std::string::npos);
}

TEST_CASE("HEAD on a GET route answers the GET's status and headers without the body",
          "[http][server]") {
  TestServer server(local_options(), echo_routes);
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("HEAD", "/v1/streams/orders/windows?from=3") +
                      simple_request("GET", "/healthz")));
  std::string wire;
  REQUIRE(eventually([&] {
    wire += client.read_for(50ms);
    return wire.find("ok\n") != std::string::npos;
  }));
  // The GET answer would be this document; HEAD announces its length and
  // sends none of it, so the next bytes are the /healthz answer.
  const std::string get_body = json_response(Status::ok, {{"stream", "orders"},
                                                          {"from", "3"},
                                                          {"tags", nlohmann::json::array()},
                                                          {"path", "/v1/streams/orders/windows"}})
                                   .body();
  CHECK(wire.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(wire.find("Content-Length: " + std::to_string(get_body.size()) + "\r\n") !=
        std::string::npos);
  CHECK(wire.find("Content-Type: application/json") != std::string::npos);
  CHECK(wire.find("orders") == std::string::npos);
  CHECK(wire.find("\r\n\r\nHTTP/1.1 200 OK\r\n") != std::string::npos);

  const auto head = curl({"-I", "-o", "/dev/null", "-w", "%{http_code}", server.url("/healthz")});
  CHECK(head.out == "200");
  const auto refused = curl({"-I", "-o", "/dev/null", "-w", "%{http_code}",
                             server.url("/v1/streams/s/events")});
  CHECK(refused.out == "405");
}

TEST_CASE("bearer token is required on private routes and not on public ones", "[http][server][auth]") {
  ServerOptions options = local_options();
  options.bearer_token = "test-token-0123456789abcdef";
  TestServer server(options, echo_routes);

  SECTION("missing token") {
    RawClient client(server.port());
    REQUIRE(client.send(simple_request("GET", "/v1/streams/s/windows")));
    const auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->result() == Status::unauthorized);
    CHECK((*response)[bhttp::field::www_authenticate] == "Bearer realm=\"driftd\"");
    CHECK(json_body(*response)["error"]["status"] == 401);
  }
  SECTION("wrong token") {
    const auto result = curl({"-o", "/dev/null", "-w", "%{http_code}", "-H",
                              "Authorization: Bearer test-token-0123456789abcdeX",
                              server.url("/v1/streams/s/windows")});
    CHECK(result.out == "401");
  }
  SECTION("right token") {
    const auto result = curl({"-o", "/dev/null", "-w", "%{http_code}", "-H",
                              "Authorization: Bearer test-token-0123456789abcdef",
                              server.url("/v1/streams/s/windows")});
    CHECK(result.out == "200");
  }
  SECTION("public route without token") {
    const auto result = curl({"-w", " %{http_code}", server.url("/healthz")});
    CHECK(result.out == "ok\n 200");
  }
  SECTION("unknown paths need the token before they say 404") {
    auto result = curl({"-o", "/dev/null", "-w", "%{http_code}", server.url("/secret/path")});
    CHECK(result.out == "401");
    result = curl({"-o", "/dev/null", "-w", "%{http_code}", "-H",
                   "Authorization: Bearer test-token-0123456789abcdef", server.url("/secret/path")});
    CHECK(result.out == "404");
  }
  SECTION("a rejected request with a body closes the connection") {
    RawClient client(server.port());
    REQUIRE(client.send(simple_request("POST", "/v1/streams/s/events", {}, "{\"a\":1}\n")));
    const auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->result() == Status::unauthorized);
    CHECK_FALSE(response->keep_alive());
    CHECK(client.wait_closed());
  }
  CHECK(server.server().counters().rejected_unauthorized.load() <= 2);
}

TEST_CASE("204 answers carry no Content-Length and keep the connection", "[http][server]") {
  TestServer server(local_options(), [](Router& router) {
    router.del("/thing", [](Request&, Responder respond) {
      Response response{Status::no_content, 11};
      response.body() = "ignored";
      respond(std::move(response));
    });
    router.get("/after", [](Request&, Responder respond) {
      respond(text_response(Status::ok, "after"));
    });
  });
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("DELETE", "/thing") + simple_request("GET", "/after")));
  std::string wire;
  REQUIRE(eventually([&] {
    wire += client.read_for(50ms);
    return wire.find("after") != std::string::npos;
  }));
  const auto first_end = wire.find("\r\n\r\n");
  REQUIRE(first_end != std::string::npos);
  const std::string first_header = wire.substr(0, first_end);
  CHECK(first_header.find("HTTP/1.1 204") == 0);
  CHECK(first_header.find("Content-Length") == std::string::npos);
  CHECK(wire.find("ignored") == std::string::npos);
}

TEST_CASE("server listens on IPv6 loopback", "[http][server]") {
  ServerOptions options = local_options();
  options.listen = "[::1]:0";
  TestServer server(options, echo_routes);
  CHECK(server.server().local_endpoint().address().is_v6());
  const auto result = curl({"-g", "http://[::1]:" + std::to_string(server.port()) + "/healthz"});
  CHECK(result.out == "ok\n");
}

TEST_CASE("start fails cleanly for a port in use and a bad address", "[http][server]") {
  TestServer first(local_options(), echo_routes);
  boost::asio::io_context io;
  ServerOptions options = local_options();
  options.listen = "127.0.0.1:" + std::to_string(first.port());
  HttpServer taken(io, options);
  CHECK_THROWS_AS(taken.start(), boost::system::system_error);
  options.listen = "127.0.0.1";
  HttpServer malformed(io, options);
  CHECK_THROWS_AS(malformed.start(), std::invalid_argument);
  options.bearer_token = "";
  CHECK_THROWS_AS(HttpServer(io, options), std::invalid_argument);
}

TEST_CASE("destroying a running server closes its connections", "[http][server]") {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  auto server = std::make_unique<HttpServer>(io, local_options());
  echo_routes(server->router());
  server->start();
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&] { io.run(); });
  }
  RawClient idle(server->port());
  REQUIRE(idle.send(simple_request("GET", "/healthz")));
  REQUIRE(idle.read_response());
  const auto port = server->port();
  server.reset();  // stops with no grace; sessions finish on their own
  CHECK(idle.wait_closed());
  CHECK(eventually([port] {
    try {
      RawClient late(port);
      return false;
    } catch (const std::runtime_error&) {
      return true;
    }
  }));
  work.reset();
  for (auto& thread : threads) {
    thread.join();  // returns: nothing is left on the io_context
  }
}
