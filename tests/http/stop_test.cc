// Graceful stop: in-flight requests finish, idle connections and streams
// close, nothing new is accepted, the deadline forces the rest.
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include "http/event_stream.h"
#include "http/json_response.h"
#include "test_support.h"

using namespace driftd::http;
using namespace driftd::http::test;

namespace {

bool refuses_connections(std::uint16_t port) {
  try {
    RawClient client(port);
    return false;
  } catch (const std::runtime_error&) {
    return true;
  }
}

}  // namespace

TEST_CASE("stop lets in-flight requests finish and closes idle connections and streams", "[http][stop]") {
  std::promise<void> release_slow;
  std::shared_future<void> released = release_slow.get_future().share();
  std::atomic<bool> slow_entered{false};
  std::mutex mutex;
  std::atomic<int> stream_reason{-1};
  std::vector<std::thread> workers;

  ServerOptions options = local_options();
  TestServer server(options, [&](Router& router) {
    router.get("/ping", [](Request&, Responder respond) {
      respond(text_response(Status::ok, "pong"));
    });
    router.get("/slow", [&](Request&, Responder respond) {
      auto shared = std::make_shared<Responder>(std::move(respond));
      std::lock_guard lock(mutex);
      workers.emplace_back([shared, released, &slow_entered] {
        slow_entered = true;
        released.wait();
        (*shared)(text_response(Status::ok, "slow done"));
      });
    });
    router.get("/events", [&](Request&, Responder respond) {
      auto opened = respond.start_event_stream();
      if (opened) {
        opened->on_close([&](StreamCloseReason reason) { stream_reason = static_cast<int>(reason); });
      }
    });
  });
  // On any exit: release and join the workers while the io_context lives.
  bool released_already = false;
  ScopeExit cleanup([&] {
    if (!released_already) {
      release_slow.set_value();
    }
    std::lock_guard lock(mutex);
    for (auto& worker : workers) {
      worker.join();
    }
    workers.clear();
  });

  RawClient idle(server.port());
  REQUIRE(idle.send(simple_request("GET", "/ping")));
  REQUIRE(idle.read_response());
  RawClient events(server.port());
  REQUIRE(events.send(simple_request("GET", "/events")));
  REQUIRE(eventually([&] { return server.server().open_streams() == 1; }));
  RawClient slow(server.port());
  REQUIRE(slow.send(simple_request("GET", "/slow")));
  REQUIRE(eventually([&] { return slow_entered.load(); }));

  std::promise<void> stopped;
  auto stopped_future = stopped.get_future();
  server.server().stop(10s, [&] { stopped.set_value(); });

  CHECK(idle.wait_closed());
  CHECK(events.wait_closed());
  CHECK(eventually([&] { return stream_reason.load() == static_cast<int>(StreamCloseReason::server_stopping); }));
  CHECK(eventually([&] { return refuses_connections(server.port()); }));
  CHECK_FALSE(server.server().stopped());
  CHECK(stopped_future.wait_for(50ms) == std::future_status::timeout);

  release_slow.set_value();
  released_already = true;
  const auto response = slow.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::ok);
  CHECK(response->body() == "slow done");
  CHECK_FALSE(response->keep_alive());
  CHECK(slow.wait_closed());
  CHECK(stopped_future.wait_for(10s) == std::future_status::ready);
  CHECK(server.server().stopped());
  CHECK(server.server().open_connections() == 0);
  CHECK(server.server().open_streams() == 0);
}

TEST_CASE("stop force-closes what is still busy at the deadline", "[http][stop]") {
  std::mutex mutex;
  std::shared_ptr<Responder> held;
  TestServer server(local_options(), [&](Router& router) {
    router.get("/hang", [&](Request&, Responder respond) {
      std::lock_guard lock(mutex);
      held = std::make_shared<Responder>(std::move(respond));
    });
  });
  ScopeExit drop_held([&] {  // a Responder must not outlive the io_context
    std::lock_guard lock(mutex);
    held.reset();
  });
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("GET", "/hang")));
  REQUIRE(eventually([&] {
    std::lock_guard lock(mutex);
    return held != nullptr;
  }));
  CHECK(server.stop_and_wait(200ms));
  CHECK(client.wait_closed());
  CHECK(server.server().open_connections() == 0);
  std::lock_guard lock(mutex);
  held.reset();  // answering a closed connection is harmless
}

TEST_CASE("stop with nothing open finishes at once and later calls still report", "[http][stop]") {
  TestServer server(local_options(), {});
  CHECK(server.stop_and_wait(5s));
  CHECK(server.server().stopped());
  CHECK(server.stop_and_wait(5s));  // already stopped: the callback runs immediately
  CHECK(refuses_connections(server.port()));
}
