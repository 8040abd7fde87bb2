// Server-sent event streams: headers, events, heartbeats, the buffer cap for
// clients that never read, the stream cap, client disconnects.
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "http/event_stream.h"
#include "http/json_response.h"
#include "test_support.h"

using namespace driftd::http;
using namespace driftd::http::test;

namespace {

// What the /events handler saw: the streams it opened and how they closed.
// Weak pointers: a stream lives while its connection is open, and no
// EventStream may outlive the server's io_context.
struct StreamBox {
  std::mutex mutex;
  std::vector<std::weak_ptr<EventStream>> streams;
  std::vector<StreamCloseReason> closed;
  int refused = 0;

  std::size_t open_count() {
    std::lock_guard lock(mutex);
    return streams.size();
  }
  std::shared_ptr<EventStream> stream(std::size_t i) {
    std::lock_guard lock(mutex);
    return streams.at(i).lock();
  }
  std::vector<StreamCloseReason> reasons() {
    std::lock_guard lock(mutex);
    return closed;
  }
};

std::function<void(Router&)> event_routes(StreamBox& box) {
  return [&box](Router& router) {
    router.get("/v1/alerts/stream", [&box](Request&, Responder respond) {
      auto stream = respond.start_event_stream();
      std::lock_guard lock(box.mutex);
      if (!stream) {
        ++box.refused;
        return;
      }
      stream->send_event("{\"hello\":true}", "hello", "0");
      stream->on_close([&box](StreamCloseReason reason) {
        std::lock_guard inner(box.mutex);
        box.closed.push_back(reason);
      });
      box.streams.push_back(stream);
    });
  };
}

}  // namespace

TEST_CASE("curl receives event stream headers events and heartbeats", "[http][sse]") {
  StreamBox box;
  ServerOptions options = local_options();
  options.limits.stream_heartbeat_interval = 50ms;
  TestServer server(options, event_routes(box));

  auto output = std::async(std::launch::async, [&] {
    return curl({"-N", "-i", server.url("/v1/alerts/stream")});
  });
  REQUIRE(eventually([&] { return box.open_count() == 1; }, 10s));
  REQUIRE(eventually([&] { return server.server().counters().stream_heartbeats.load() >= 2; }));
  CHECK(server.server().open_streams() == 1);
  const auto stream = box.stream(0);
  REQUIRE(stream);
  CHECK(stream->send_event("{\"alert\":1}", "alert", "1"));
  stream->close();
  CHECK_FALSE(stream->send_event("late"));

  const auto result = output.get();
  CHECK(result.exit_code == 0);
  const std::string& out = result.out;
  CHECK(out.find("HTTP/1.1 200 OK\r\n") == 0);
  CHECK(out.find("Content-Type: text/event-stream\r\n") != std::string::npos);
  CHECK(out.find("Cache-Control: no-cache\r\n") != std::string::npos);
  CHECK(out.find("Content-Length") == std::string::npos);
  const auto hello = out.find("id: 0\nevent: hello\ndata: {\"hello\":true}\n\n");
  const auto beat = out.find(": keep-alive\n\n");
  const auto alert = out.find("id: 1\nevent: alert\ndata: {\"alert\":1}\n\n");
  REQUIRE(hello != std::string::npos);
  REQUIRE(beat != std::string::npos);
  REQUIRE(alert != std::string::npos);
  CHECK(hello < beat);
  CHECK(beat < alert);
  CHECK(out.find("late") == std::string::npos);

  REQUIRE(eventually([&] { return box.reasons().size() == 1; }));
  CHECK(box.reasons()[0] == StreamCloseReason::closed);
  CHECK(eventually([&] { return server.server().open_streams() == 0; }));
  CHECK(eventually([&] { return server.server().open_connections() == 0; }));
}

TEST_CASE("HEAD on a stream route answers the stream's headers and closes", "[http][sse]") {
  StreamBox box;
  ServerOptions options = local_options();
  options.limits.stream_heartbeat_interval = 20ms;  // an open stream would send some
  TestServer server(options, event_routes(box));
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("HEAD", "/v1/alerts/stream")));
  const std::string wire = client.read_for(5s);  // until the server closes
  CHECK(client.wait_closed(100ms));
  CHECK(wire.find("HTTP/1.1 200 OK\r\n") == 0);
  CHECK(wire.find("Content-Type: text/event-stream\r\n") != std::string::npos);
  CHECK(wire.substr(wire.find("\r\n\r\n") + 4).empty());  // no events, no heartbeat
  {
    std::lock_guard lock(box.mutex);
    CHECK(box.refused == 1);  // the handler got no stream to send to
  }
  CHECK(eventually([&] { return server.server().open_streams() == 0; }));
  CHECK(eventually([&] { return server.server().open_connections() == 0; }));
}

TEST_CASE("a stream client that never reads is cut off at the buffer cap", "[http][sse]") {
  StreamBox box;
  ServerOptions options = local_options();
  options.limits.stream_max_buffered_bytes = 256 * 1024;
  options.limits.stream_write_timeout = 30s;  // the cap, not the timeout, must trip
  options.limits.stream_heartbeat_interval = 0ms;
  TestServer server(options, event_routes(box));

  RawClient client(server.port(), 4096);  // small window, and it never reads
  REQUIRE(client.send(simple_request("GET", "/v1/alerts/stream")));
  REQUIRE(eventually([&] { return box.open_count() == 1; }));
  const auto stream = box.stream(0);
  REQUIRE(stream);

  // send() must return (it never waits for the client); bounded at 256 MiB.
  const std::string chunk(64 * 1024, 'x');
  bool accepted = true;
  std::size_t sends = 0;
  std::size_t max_buffered = 0;
  while (accepted && sends < 4096) {
    accepted = stream->send(chunk);
    max_buffered = std::max(max_buffered, stream->buffered_bytes());
    ++sends;
  }
  CHECK_FALSE(accepted);
  CHECK(max_buffered <= options.limits.stream_max_buffered_bytes);
  CHECK(stream->close_reason() == StreamCloseReason::too_slow);
  CHECK_FALSE(stream->is_open());
  REQUIRE(eventually([&] { return box.reasons().size() == 1; }));
  CHECK(box.reasons()[0] == StreamCloseReason::too_slow);
  CHECK(server.server().counters().streams_too_slow.load() == 1);
  CHECK(eventually([&] { return server.server().open_streams() == 0; }));
  CHECK(eventually([&] { return server.server().open_connections() == 0; }));
  CHECK(client.wait_closed());
}

TEST_CASE("streams beyond max_streams get 503", "[http][sse]") {
  StreamBox box;
  ServerOptions options = local_options();
  options.limits.max_streams = 1;
  TestServer server(options, event_routes(box));

  RawClient first(server.port());
  REQUIRE(first.send(simple_request("GET", "/v1/alerts/stream")));
  REQUIRE(eventually([&] { return box.open_count() == 1; }));

  RawClient second(server.port());
  REQUIRE(second.send(simple_request("GET", "/v1/alerts/stream")));
  const auto response = second.read_response();
  REQUIRE(response);
  CHECK(response->result() == Status::service_unavailable);
  CHECK(server.server().counters().rejected_streams.load() == 1);
  CHECK(server.server().open_streams() == 1);
}

TEST_CASE("a stream notices the client going away", "[http][sse]") {
  StreamBox box;
  ServerOptions options = local_options();
  options.limits.stream_heartbeat_interval = 0ms;
  TestServer server(options, event_routes(box));
  {
    RawClient client(server.port());
    REQUIRE(client.send(simple_request("GET", "/v1/alerts/stream")));
    REQUIRE(eventually([&] {
      return client.read_for(20ms).size() > 0 || box.open_count() == 1;
    }));
    REQUIRE(eventually([&] { return box.open_count() == 1; }));
  }  // the client closes its socket
  REQUIRE(eventually([&] { return box.reasons().size() == 1; }));
  CHECK(box.reasons()[0] == StreamCloseReason::client_gone);
  const auto stream = box.stream(0);
  CHECK((stream == nullptr || !stream->send("data: x\n\n")));
  CHECK(eventually([&] { return server.server().open_streams() == 0; }));
  CHECK(eventually([&] { return server.server().open_connections() == 0; }));
}

TEST_CASE("many threads send on one stream and every event arrives in one piece", "[http][sse]") {
  StreamBox box;
  ServerOptions options = local_options();
  options.limits.stream_max_buffered_bytes = 8 * 1024 * 1024;
  options.limits.stream_heartbeat_interval = 1ms;  // heartbeats race the senders too
  TestServer server(options, event_routes(box), 3);

  auto output = std::async(std::launch::async, [&] {
    return curl({"-N", server.url("/v1/alerts/stream")});
  });
  REQUIRE(eventually([&] { return box.open_count() == 1; }, 10s));
  const auto stream = box.stream(0);
  REQUIRE(stream);
  constexpr int kThreads = 4;
  constexpr int kEvents = 200;
  std::vector<std::thread> senders;
  std::atomic<int> accepted{0};
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < kEvents; ++i) {
        if (stream->send_event("t" + std::to_string(t) + "-" + std::to_string(i))) {
          ++accepted;
        }
      }
    });
  }
  for (auto& sender : senders) {
    sender.join();
  }
  stream->close();
  const auto result = output.get();
  CHECK(accepted.load() == kThreads * kEvents);
  std::size_t events = 0;
  for (std::size_t pos = 0; (pos = result.out.find("data: t", pos)) != std::string::npos; ++pos) {
    ++events;
  }
  CHECK(events == static_cast<std::size_t>(kThreads * kEvents));
  for (int t = 0; t < kThreads; ++t) {
    const std::string last = "data: t" + std::to_string(t) + "-" + std::to_string(kEvents - 1) + "\n\n";
    CHECK(result.out.find(last) != std::string::npos);
  }
}
