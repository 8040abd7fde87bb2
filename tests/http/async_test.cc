// Handlers answering later from other threads, and the Responder contract.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/json_response.h"
#include "test_support.h"

using namespace driftd::http;
using namespace driftd::http::test;

namespace {

// A one-thread job queue standing in for the daemon's workers.
class Worker {
 public:
  Worker() : thread_([this] { run(); }) {}
  ~Worker() { join(); }
  // Runs the queued jobs, then stops. Idempotent.
  void join() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  void post(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    wake_.notify_all();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return done_ || !jobs_.empty(); });
      if (jobs_.empty()) {
        return;
      }
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

TEST_CASE("a handler answers later from another thread", "[http][async]") {
  Worker worker;
  std::atomic<std::thread::id> answered_on{};
  TestServer server(local_options(), [&](Router& router) {
    router.post("/v1/streams/{stream}/events", [&](Request& request, Responder respond) {
      // Move what the job needs out of the request; the body arrives with
      // simdjson's padding already reserved and keeps it when moved.
      std::string body = std::move(request.mutable_body());
      std::string stream(request.param("stream"));
      // std::function needs a copyable callable: share the move-only Responder.
      auto shared = std::make_shared<Responder>(std::move(respond));
      worker.post([&answered_on, body = std::move(body), stream = std::move(stream), shared] {
        std::this_thread::sleep_for(20ms);
        answered_on = std::this_thread::get_id();
        (*shared)(json_response(Status::accepted,
                              {{"stream", stream}, {"bytes", body.size()},
                               {"padded", body.capacity() >= body.size() + kBodyPadding}}));
      });
    });
  });
  ScopeExit join_worker([&] { worker.join(); });  // jobs answer while the io_context lives
  RawClient client(server.port());
  for (int i = 0; i < 3; ++i) {  // keep-alive across async answers
    REQUIRE(client.send(simple_request("POST", "/v1/streams/s/events", {}, "{\"x\":1}\n")));
    const auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->result() == Status::accepted);
    const auto body = nlohmann::json::parse(response->body());
    CHECK(body["stream"] == "s");
    CHECK(body["bytes"] == 8);
    CHECK(body["padded"] == true);
  }
  CHECK(answered_on.load() != std::thread::id{});
  CHECK(answered_on.load() != std::this_thread::get_id());
}

TEST_CASE("a handler may move the whole request into its job", "[http][async]") {
  Worker worker;
  TestServer server(local_options(), [&](Router& router) {
    router.get("/items/{id}", [&](Request& request, Responder respond) {
      auto shared = std::make_shared<Responder>(std::move(respond));
      worker.post([request = std::move(request), shared] {
        (*shared)(json_response(Status::ok, {{"id", std::string(request.param("id"))},
                                           {"q", std::string(request.query("q").value_or(""))}}));
      });
    });
  });
  ScopeExit join_worker([&] { worker.join(); });
  const auto result = curl({server.url("/items/7?q=x%26y")});
  REQUIRE(result.exit_code == 0);
  const auto body = nlohmann::json::parse(result.out);
  CHECK(body["id"] == "7");
  CHECK(body["q"] == "x&y");
}

TEST_CASE("a dropped Responder answers 500", "[http][async]") {
  Worker worker;
  TestServer server(local_options(), [&](Router& router) {
    router.get("/sync-drop", [](Request&, Responder) {});
    router.get("/async-drop", [&](Request&, Responder respond) {
      auto shared = std::make_shared<Responder>(std::move(respond));
      worker.post([shared]() mutable { shared.reset(); });  // dropped on the worker thread
    });
    router.get("/throws", [](Request&, Responder) { throw std::runtime_error("boom"); });
  });
  ScopeExit join_worker([&] { worker.join(); });
  RawClient client(server.port());
  for (const char* path : {"/sync-drop", "/async-drop", "/throws"}) {
    INFO(path);
    REQUIRE(client.send(simple_request("GET", path)));
    const auto response = client.read_response();
    REQUIRE(response);
    CHECK(response->result() == Status::internal_server_error);
    CHECK(nlohmann::json::parse(response->body())["error"]["status"] == 500);
  }
  CHECK(server.server().counters().handler_errors.load() == 3);
}

TEST_CASE("a Responder answers once and ignores later calls", "[http][async]") {
  // Catch2 assertions are not thread-safe: the handler records, the test checks.
  std::atomic<int> second_result{-1};
  std::atomic<bool> pending_before{false};
  std::atomic<bool> pending_after{true};
  std::atomic<bool> stream_refused{false};
  TestServer server(local_options(), [&](Router& router) {
    router.get("/twice", [&](Request&, Responder respond) {
      pending_before = respond.pending();
      respond(text_response(Status::ok, "first"));
      second_result = respond(text_response(Status::ok, "second")) ? 1 : 0;
      pending_after = respond.pending();
      stream_refused = respond.start_event_stream() == nullptr;
    });
    router.get("/after", [](Request&, Responder respond) {
      respond(text_response(Status::ok, "after"));
    });
  });
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("GET", "/twice") + simple_request("GET", "/after")));
  const auto first = client.read_response();
  const auto second = client.read_response();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->body() == "first");
  CHECK(second->body() == "after");
  CHECK(second_result.load() == 0);
  CHECK(pending_before.load());
  CHECK_FALSE(pending_after.load());
  CHECK(stream_refused.load());
  CHECK(server.server().counters().handler_errors.load() == 0);
}

TEST_CASE("a handler that answers and then throws sends only its answer", "[http][async]") {
  TestServer server(local_options(), [&](Router& router) {
    router.get("/answer-then-throw", [](Request&, Responder respond) {
      respond(text_response(Status::ok, "fine"));
      throw std::runtime_error("late");
    });
  });
  RawClient client(server.port());
  REQUIRE(client.send(simple_request("GET", "/answer-then-throw")));
  const auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->body() == "fine");
  CHECK(server.server().counters().handler_errors.load() == 0);
}
