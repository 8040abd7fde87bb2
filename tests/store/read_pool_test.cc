// ReadPool: the bounded pool of read threads and connections behind the
// historical API. Labelled concurrency: it also runs under ThreadSanitizer.
#include "store/read_pool.h"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>

#include <catch2/catch.hpp>

#include "store/drift_store.h"
#include "tests/store/demo_store_fixture.h"

namespace driftd::store {
namespace {

using namespace std::chrono_literals;

// A database file with driftd's schema, for read-only connections to open.
std::filesystem::path database_file(const std::string& name) {
  const config::StorageConfig storage = test::fresh_storage("read_pool_test", name);
  DriftStore create(storage);
  return storage.path;
}

// Hang guard for waits that must succeed; not a timing assertion.
constexpr auto kBound = 30s;

TEST_CASE("the pool takes threads + max_queued jobs and refuses more until one finishes",
          "[concurrency]") {
  ReadPool pool(database_file("capacity"), {.threads = 1, .max_queued = 1, .time_budget = 10s});
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> first_started;
  std::atomic<int> finished{0};

  REQUIRE(pool.try_post([&, gate](Database&) {
    first_started.set_value();
    gate.wait();
    ++finished;
  }));
  REQUIRE(first_started.get_future().wait_for(kBound) == std::future_status::ready);
  CHECK(pool.try_post([&](Database&) { ++finished; }));       // waits for the thread
  CHECK_FALSE(pool.try_post([&](Database&) { ++finished; }));  // full: refused, never run
  release.set_value();

  std::promise<void> later_ran;
  const auto deadline = std::chrono::steady_clock::now() + kBound;
  bool taken = false;
  while (!taken && std::chrono::steady_clock::now() < deadline) {  // until a place frees
    taken = pool.try_post([&](Database&) { later_ran.set_value(); });
    if (!taken) std::this_thread::sleep_for(1ms);
  }
  REQUIRE(taken);
  REQUIRE(later_ran.get_future().wait_for(kBound) == std::future_status::ready);
  CHECK(finished.load() == 2);
}

TEST_CASE("a job that runs past the time budget is interrupted", "[concurrency]") {
  ReadPool pool(database_file("budget"), {.threads = 1, .max_queued = 0, .time_budget = 50ms});
  std::promise<std::string> outcome;
  REQUIRE(pool.try_post([&](Database& db) {
    Statement endless = db.prepare(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c");
    try {
      endless.step();
      outcome.set_value("finished");
    } catch (const SqliteInterrupted&) {
      outcome.set_value("interrupted");
    }
  }));
  auto result = outcome.get_future();
  REQUIRE(result.wait_for(kBound) == std::future_status::ready);
  CHECK(result.get() == "interrupted");

  // The next job gets a fresh budget on the same connection.
  std::promise<int64_t> count;
  auto counted = count.get_future();
  bool taken = false;
  const auto deadline = std::chrono::steady_clock::now() + kBound;
  while (!taken && std::chrono::steady_clock::now() < deadline) {
    taken = pool.try_post([&](Database& db) {
      Statement rows = db.prepare("SELECT count(*) FROM window_metrics");
      rows.step();
      count.set_value(rows.column_int(0));
    });
    if (!taken) std::this_thread::sleep_for(1ms);
  }
  REQUIRE(taken);
  REQUIRE(counted.wait_for(kBound) == std::future_status::ready);
  CHECK(counted.get() == 0);
}

TEST_CASE("a job that throws is dropped and the thread goes on", "[concurrency]") {
  ReadPool pool(database_file("throws"), {.threads = 1, .max_queued = 4, .time_budget = 10s});
  auto captured = std::make_shared<int>(0);
  std::weak_ptr<int> watch = captured;
  REQUIRE(pool.try_post([captured = std::move(captured)](Database&) {
    throw std::runtime_error("a failing job");
  }));
  std::promise<void> next_ran;
  REQUIRE(pool.try_post([&](Database&) { next_ran.set_value(); }));
  REQUIRE(next_ran.get_future().wait_for(kBound) == std::future_status::ready);
  CHECK(watch.expired());  // what the failed job held went with it
}

TEST_CASE("destroying the pool drops the queued jobs and waits for the running one",
          "[concurrency]") {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  std::atomic<bool> running_finished{false};
  std::atomic<int> queued_ran{0};
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> watch = token;
  auto pool = std::make_unique<ReadPool>(database_file("destroy"),
                                         ReadPool::Options{.threads = 1, .max_queued = 1000});
  REQUIRE(pool->try_post([&, gate](Database&) {
    started.set_value();
    gate.wait();
    running_finished = true;
  }));
  REQUIRE(started.get_future().wait_for(kBound) == std::future_status::ready);
  REQUIRE(pool->try_post([&, token = std::move(token)](Database&) { ++queued_ran; }));

  ReadPool* raw = pool.get();
  std::thread destroyer([&] { pool.reset(); });
  // The destructor refuses new jobs from its first step: wait for that, then
  // let the running job end so that it can join.
  const auto deadline = std::chrono::steady_clock::now() + kBound;
  while (raw->try_post([&](Database&) { ++queued_ran; }) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  release.set_value();
  destroyer.join();
  CHECK(running_finished.load());
  CHECK(queued_ran.load() == 0);
  CHECK(watch.expired());
}

}  // namespace
}  // namespace driftd::store
