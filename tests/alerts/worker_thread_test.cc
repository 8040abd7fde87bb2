// WorkerThread: busy steps run back to back, an idle step sleeps until the
// tick or a wake(), a failed step waits out its pause even when woken, and
// stop() ends the loop without waiting for a long tick. Runs under TSan.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include <catch2/catch.hpp>

#include "alerts/worker_thread.h"

namespace driftd::alerts {
namespace {

using namespace std::chrono_literals;
using Outcome = WorkerThread::Outcome;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST_CASE("Busy steps run back to back until the step reports idle") {
  std::atomic<int> steps{0};
  WorkerThread worker(1h, 1h);
  worker.start([&] { return ++steps < 100 ? Outcome::busy : Outcome::idle; });
  CHECK(eventually([&] { return steps.load() == 100; }));
  std::this_thread::sleep_for(50ms);
  CHECK(steps.load() == 100);  // idle with a one-hour tick: no further step
}

TEST_CASE("wake ends an idle sleep and every wake is seen") {
  std::atomic<int> steps{0};
  WorkerThread worker(1h, 1h);
  worker.start([&] {
    ++steps;
    return Outcome::idle;
  });
  REQUIRE(eventually([&] { return steps.load() == 1; }));
  for (int i = 2; i <= 50; ++i) {
    worker.wake();
    REQUIRE(eventually([&] { return steps.load() >= i; }));
  }
}

TEST_CASE("An idle step is repeated at the tick without a wake") {
  std::atomic<int> steps{0};
  WorkerThread worker(5ms, 1h);
  worker.start([&] {
    ++steps;
    return Outcome::idle;
  });
  CHECK(eventually([&] { return steps.load() >= 10; }));
}

TEST_CASE("A failed step waits out the retry pause even when woken") {
  std::atomic<int> steps{0};
  WorkerThread worker(1ms, 1h);
  worker.start([&] {
    ++steps;
    return Outcome::failed;
  });
  REQUIRE(eventually([&] { return steps.load() == 1; }));
  for (int i = 0; i < 10; ++i) worker.wake();
  std::this_thread::sleep_for(50ms);
  CHECK(steps.load() == 1);
}

TEST_CASE("stop ends a long sleep and no step starts after it") {
  std::atomic<int> steps{0};
  auto worker = std::make_unique<WorkerThread>(1h, 1h);
  worker->start([&] {
    ++steps;
    return Outcome::idle;
  });
  REQUIRE(eventually([&] { return steps.load() == 1; }));
  const auto started = std::chrono::steady_clock::now();
  worker->stop();
  CHECK(std::chrono::steady_clock::now() - started < 10s);
  CHECK(worker->stopping());
  worker->wake();  // harmless after stop
  worker.reset();
  CHECK(steps.load() == 1);
}

TEST_CASE("A long step sees stopping and the destructor waits for it") {
  std::atomic<bool> saw_stop{false};
  std::atomic<bool> in_step{false};
  {
    WorkerThread worker(1h, 1h);
    worker.start([&] {
      in_step = true;
      while (!worker.stopping()) std::this_thread::sleep_for(1ms);
      saw_stop = true;
      return Outcome::busy;
    });
    REQUIRE(eventually([&] { return in_step.load(); }));
  }
  CHECK(saw_stop.load());
}

}  // namespace
}  // namespace driftd::alerts
