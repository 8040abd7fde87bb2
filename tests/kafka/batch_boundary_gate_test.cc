// The pause handshake between a consumer thread and the window manager, under
// ThreadSanitizer (label concurrency): while paused, the consumer's plain
// (non-atomic) state is the manager's to read, and it does not change.
#include "kafka/batch_boundary_gate.h"

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

namespace driftd::kafka {
namespace {

TEST_CASE("While paused the consumer stands still at a batch boundary") {
  BatchBoundaryGate gate;
  std::atomic<bool> stop{false};
  uint64_t batches = 0;  // the consumer's state: no atomics, the gate orders it
  std::vector<uint64_t> recorded;  // one entry per batch, written by the consumer
  gate.start();
  std::thread consumer([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      gate.at_boundary();
      ++batches;  // a "batch": several writes that must be seen together
      recorded.push_back(batches);
    }
    gate.finish();
  });

  int inconsistent = 0;  // Catch2 assertions stay on this thread
  uint64_t last_seen = 0;
  int progressed = 0;
  for (int round = 0; round < 2000; ++round) {
    gate.pause();
    const uint64_t seen = batches;
    if (recorded.size() != seen || (seen > 0 && recorded.back() != seen)) ++inconsistent;
    std::this_thread::yield();
    if (batches != seen) ++inconsistent;  // nothing moves while paused
    progressed += seen > last_seen;
    last_seen = seen;
    gate.resume();
  }
  stop.store(true, std::memory_order_relaxed);
  consumer.join();
  CHECK(inconsistent == 0);
  CHECK(progressed > 0);
}

TEST_CASE("A pause right after a resume waits for the consumer's next batch") {
  BatchBoundaryGate gate;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> batches{0};
  gate.start();
  std::thread consumer([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      gate.at_boundary();
      batches.fetch_add(1, std::memory_order_relaxed);
    }
    gate.finish();
  });
  int starved = 0;  // rounds where the consumer got no batch between resume and pause
  for (int round = 0; round < 500; ++round) {
    gate.pause();
    const uint64_t before = batches.load(std::memory_order_relaxed);
    gate.resume();
    gate.pause();
    starved += batches.load(std::memory_order_relaxed) == before;
    gate.resume();
  }
  stop.store(true, std::memory_order_relaxed);
  consumer.join();
  CHECK(starved == 0);
}

TEST_CASE("A pause after the consumer finished returns at once") {
  BatchBoundaryGate gate;
  gate.start();
  std::thread consumer([&] { gate.finish(); });
  consumer.join();
  gate.pause();  // would hang if it waited for a parked consumer
  gate.resume();
  BatchBoundaryGate never_started;
  never_started.pause();
  never_started.resume();
  SUCCEED("no pause waited for a consumer that will not come");
}

}  // namespace
}  // namespace driftd::kafka
