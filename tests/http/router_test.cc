#include <catch2/catch.hpp>

#include <stdexcept>

#include "http/router.h"

using driftd::http::Request;
using driftd::http::Responder;
using driftd::http::RouteOptions;
using driftd::http::Router;
using driftd::http::Verb;
using Kind = Router::Match::Kind;

namespace {

driftd::http::Handler noop() {
  return [](Request&, Responder) {};
}

std::string param(const Router::Match& match, const std::string& name) {
  for (const auto& [key, value] : match.params) {
    if (key == name) {
      return value;
    }
  }
  return "<absent>";
}

}  // namespace

TEST_CASE("router matches literal and named segments", "[http][router]") {
  Router router;
  router.get("/healthz", noop());
  router.post("/v1/streams/{stream}/events", noop());
  router.get("/v1/streams/{stream}/features/{feature}", noop());

  auto match = router.match(Verb::get, "/healthz");
  CHECK(match.kind == Kind::found);
  CHECK(match.params.empty());

  match = router.match(Verb::post, "/v1/streams/orders/events");
  REQUIRE(match.kind == Kind::found);
  CHECK(match.route->pattern == "/v1/streams/{stream}/events");
  CHECK(param(match, "stream") == "orders");

  match = router.match(Verb::get, "/v1/streams/a%20b/features/x%2Fy");
  REQUIRE(match.kind == Kind::found);
  CHECK(param(match, "stream") == "a b");
  CHECK(param(match, "feature") == "x/y");
}

TEST_CASE("router answers not_found for unknown or partial paths", "[http][router]") {
  Router router;
  router.get("/v1/streams/{stream}", noop());
  CHECK(router.match(Verb::get, "/v1/streams").kind == Kind::not_found);
  CHECK(router.match(Verb::get, "/v1/streams/a/b").kind == Kind::not_found);
  CHECK(router.match(Verb::get, "/v1/streams/").kind == Kind::not_found);  // empty segment
  CHECK(router.match(Verb::get, "/v1/streams/a/").kind == Kind::not_found);
  CHECK(router.match(Verb::get, "/other").kind == Kind::not_found);
}

TEST_CASE("router answers method_not_allowed with the sorted Allow list", "[http][router]") {
  Router router;
  router.get("/v1/alerts", noop());
  router.del("/v1/alerts", noop());
  router.post("/v1/{kind}", noop(), RouteOptions{.public_access = true});
  const auto match = router.match(Verb::put, "/v1/alerts");
  CHECK(match.kind == Kind::method_not_allowed);
  CHECK(match.allow == "DELETE, GET, HEAD, POST");
  CHECK(match.public_access);
}

TEST_CASE("router answers HEAD with the GET route unless a HEAD route exists", "[http][router]") {
  Router router;
  router.get("/v1/windows/{id}", noop());
  router.get("/v1/metrics", noop());
  router.add(Verb::head, "/v1/metrics", noop());
  router.post("/v1/streams/{stream}/events", noop());

  auto match = router.match(Verb::head, "/v1/windows/7");
  REQUIRE(match.kind == Kind::found);
  CHECK(match.route->method == Verb::get);
  CHECK(param(match, "id") == "7");

  match = router.match(Verb::head, "/v1/metrics");
  REQUIRE(match.kind == Kind::found);
  CHECK(match.route->method == Verb::head);

  match = router.match(Verb::head, "/v1/streams/s/events");
  CHECK(match.kind == Kind::method_not_allowed);
  CHECK(match.allow == "POST");
}

TEST_CASE("router prefers literal segments over parameters", "[http][router]") {
  Router router;
  router.get("/v1/streams/{stream}", noop());
  router.get("/v1/streams/_all", noop());
  router.get("/v1/{a}/x", noop());
  router.get("/v1/streams/{b}/y", noop());

  auto match = router.match(Verb::get, "/v1/streams/_all");
  REQUIRE(match.kind == Kind::found);
  CHECK(match.route->pattern == "/v1/streams/_all");
  match = router.match(Verb::get, "/v1/streams/other");
  REQUIRE(match.kind == Kind::found);
  CHECK(match.route->pattern == "/v1/streams/{stream}");
  // Leftmost difference decides: "streams" literal beats {a}.
  router = Router{};
  router.get("/v1/{a}/x", noop());
  router.get("/v1/streams/{b}", noop());
  match = router.match(Verb::get, "/v1/streams/x");
  REQUIRE(match.kind == Kind::found);
  CHECK(match.route->pattern == "/v1/streams/{b}");
}

TEST_CASE("router picks the route of the request method before specificity", "[http][router]") {
  Router router;
  router.get("/v1/streams/_all", noop());
  router.post("/v1/streams/{stream}", noop());
  const auto match = router.match(Verb::post, "/v1/streams/_all");
  REQUIRE(match.kind == Kind::found);
  CHECK(match.route->pattern == "/v1/streams/{stream}");
  CHECK(param(match, "stream") == "_all");
}

TEST_CASE("router compares literal segments after decoding", "[http][router]") {
  Router router;
  router.get("/v1/metrics", noop());
  CHECK(router.match(Verb::get, "/v1/%6Detrics").kind == Kind::found);
  CHECK(router.match(Verb::get, "/v1/metrics%2F").kind == Kind::not_found);
}

TEST_CASE("router reports malformed paths", "[http][router]") {
  Router router;
  router.get("/{x}", noop());
  CHECK(router.match(Verb::get, "/%zz").kind == Kind::bad_path);
  CHECK(router.match(Verb::get, "no-slash").kind == Kind::bad_path);
  CHECK(router.match(Verb::get, "").kind == Kind::bad_path);
}

TEST_CASE("router root path", "[http][router]") {
  Router router;
  router.get("/", noop());
  CHECK(router.match(Verb::get, "/").kind == Kind::found);
  CHECK(router.match(Verb::get, "/x").kind == Kind::not_found);
}

TEST_CASE("router refuses malformed or duplicate patterns", "[http][router]") {
  Router router;
  router.get("/a/{x}", noop());
  CHECK_THROWS_AS(router.get("/a/{y}", noop()), std::invalid_argument);
  CHECK_NOTHROW(router.post("/a/{y}", noop()));
  CHECK_THROWS_AS(router.get("relative", noop()), std::invalid_argument);
  CHECK_THROWS_AS(router.get("/a/{x", noop()), std::invalid_argument);
  CHECK_THROWS_AS(router.get("/a/pre{x}", noop()), std::invalid_argument);
  CHECK_THROWS_AS(router.get("/a/{}", noop()), std::invalid_argument);
  CHECK_THROWS_AS(router.get("/a/{x-y}", noop()), std::invalid_argument);
  CHECK_THROWS_AS(router.get("/{x}/{x}", noop()), std::invalid_argument);
  CHECK_THROWS_AS(router.get("/empty-handler", driftd::http::Handler{}), std::invalid_argument);
  router.freeze();
  CHECK_THROWS_AS(router.get("/late", noop()), std::logic_error);
}
