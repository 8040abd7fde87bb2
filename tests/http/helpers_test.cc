// json_response.h, auth.h, endpoint.h and EventStream::format_event.
#include <catch2/catch.hpp>

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "http/auth.h"
#include "http/endpoint.h"
#include "http/event_stream.h"
#include "http/json_response.h"

using namespace driftd::http;

TEST_CASE("json_error has the one error shape and a JSON content type", "[http][json]") {
  const Response response = json_error(Status::not_found, "no route for /x");
  CHECK(response.result() == Status::not_found);
  CHECK(response[boost::beast::http::field::content_type] == "application/json");
  const auto body = nlohmann::json::parse(response.body());
  CHECK(body == nlohmann::json{{"error", {{"status", 404}, {"message", "no route for /x"}}}});
}

TEST_CASE("json_response serializes invalid UTF-8 without throwing", "[http][json]") {
  nlohmann::json value;
  value["name"] = std::string("bad \xFF byte");
  Response response;
  REQUIRE_NOTHROW(response = json_response(Status::ok, value));
  CHECK(nlohmann::json::parse(response.body())["name"] == "bad \xEF\xBF\xBD byte");
  CHECK_NOTHROW(json_error(Status::bad_request, "\xC3"));
}

TEST_CASE("text_response sets the given content type", "[http][json]") {
  const Response response = text_response(Status::ok, "# HELP x\n", "text/plain; version=0.0.4");
  CHECK(response[boost::beast::http::field::content_type] == "text/plain; version=0.0.4");
  CHECK(response.body() == "# HELP x\n");
}

TEST_CASE("bearer auth accepts only the exact token", "[http][auth]") {
  const BearerAuth auth("s3cret-token-0123456789");
  CHECK(auth.check("Bearer s3cret-token-0123456789") == BearerAuth::Result::ok);
  CHECK(auth.check("bearer s3cret-token-0123456789") == BearerAuth::Result::ok);
  CHECK(auth.check("BEARER   s3cret-token-0123456789 ") == BearerAuth::Result::ok);
  CHECK(auth.check("") == BearerAuth::Result::missing);
  CHECK(auth.check("Bearer s3cret-token-012345678") == BearerAuth::Result::invalid);
  CHECK(auth.check("Bearer s3cret-token-01234567890") == BearerAuth::Result::invalid);
  CHECK(auth.check("Bearer S3cret-token-0123456789") == BearerAuth::Result::invalid);
  CHECK(auth.check("Basic czNjcmV0") == BearerAuth::Result::invalid);
  CHECK(auth.check("Bearer") == BearerAuth::Result::invalid);
  CHECK(auth.check("Bearer ") == BearerAuth::Result::invalid);
  CHECK(auth.check("Bearers3cret-token-0123456789") == BearerAuth::Result::invalid);
  CHECK_THROWS_AS(BearerAuth(""), std::invalid_argument);
}

TEST_CASE("listen addresses: IPv4 IPv6 in brackets and host names", "[http][endpoint]") {
  auto hp = split_host_port("127.0.0.1:8080");
  CHECK(hp.host == "127.0.0.1");
  CHECK(hp.port == 8080);
  hp = split_host_port("[::1]:0");
  CHECK(hp.host == "::1");
  CHECK(hp.port == 0);
  hp = split_host_port("localhost:65535");
  CHECK(hp.host == "localhost");
  CHECK(hp.port == 65535);

  CHECK(resolve_listen_address("[::1]:9").address().is_v6());
  CHECK(resolve_listen_address("0.0.0.0:9").address().is_v4());
  CHECK(resolve_listen_address("localhost:9").address().is_loopback());

  for (const char* bad : {"", "8080", ":8080", "host:", "host:65536", "host:-1", "host:8o",
                          "::1:8080", "[::1]8080", "[::1", "[]:80", "[nothost]:80", "bad host:80"}) {
    INFO(bad);
    CHECK_THROWS_AS(resolve_listen_address(bad), std::invalid_argument);
  }
}

TEST_CASE("format_event writes id event and one data line per line", "[http][sse]") {
  CHECK(EventStream::format_event("hello") == "data: hello\n\n");
  CHECK(EventStream::format_event("a\nb\r\nc", "alert", "42") ==
        "id: 42\nevent: alert\ndata: a\ndata: b\ndata: c\n\n");
  CHECK(EventStream::format_event("", "x\ny") == "event: x y\ndata: \n\n");
}
