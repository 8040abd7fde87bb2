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
  gate.start(1);
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
  gate.start(1);
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

TEST_CASE("With several consumers, one rebalancing, each holder has all their state to itself") {
  // Three consumer threads with plain state each; consumer 0 also plays the
  // rebalance callback: every 16 batches it pauses the others from between
  // its batches and rewrites the state they all read (`routes`). The test
  // thread plays the window manager. ThreadSanitizer reports any access
  // the gate does not order.
  constexpr std::size_t kConsumers = 3;
  BatchBoundaryGate gate;
  std::atomic<bool> stop{false};
  std::vector<uint64_t> batches(kConsumers, 0);  // consumer c writes batches[c]
  uint64_t routes = 0;                           // consumer 0 writes it while holding
  std::vector<uint64_t> routes_seen(kConsumers, 0);
  std::atomic<int> stood_still_violations{0};
  std::atomic<uint64_t> rebalances{0};
  gate.start(kConsumers);
  std::vector<std::thread> consumers;
  for (std::size_t c = 0; c < kConsumers; ++c) {
    consumers.emplace_back([&, c] {
      while (!stop.load(std::memory_order_relaxed)) {
        gate.at_boundary();
        routes_seen[c] = routes;  // read by every consumer in each batch
        ++batches[c];
        if (c == 0 && batches[0] % 16 == 0) {
          gate.pause_from_consumer();
          const std::vector<uint64_t> before(batches.begin() + 1, batches.end());
          ++routes;
          std::this_thread::yield();
          if (std::vector<uint64_t>(batches.begin() + 1, batches.end()) != before) {
            stood_still_violations.fetch_add(1);
          }
          rebalances.fetch_add(1, std::memory_order_relaxed);
          gate.resume();
        }
      }
      gate.finish();
    });
  }
  int moved = 0;
  uint64_t progressed = 0;
  uint64_t last_total = 0;
  for (int round = 0; round < 1000; ++round) {
    gate.pause();
    uint64_t total = 0;
    for (const uint64_t count : batches) total += count;
    const uint64_t routes_now = routes;
    for (const uint64_t seen : routes_seen) moved += seen > routes_now;
    std::this_thread::yield();
    uint64_t again = 0;
    for (const uint64_t count : batches) again += count;
    moved += again != total || routes != routes_now;
    progressed += total > last_total;
    last_total = total;
    gate.resume();
  }
  stop.store(true, std::memory_order_relaxed);
  for (std::thread& consumer : consumers) consumer.join();
  CHECK(moved == 0);
  CHECK(stood_still_violations.load() == 0);
  CHECK(progressed > 0);
  CHECK(rebalances.load() > 0);
}

TEST_CASE("A pause after the consumer finished returns at once") {
  BatchBoundaryGate gate;
  gate.start(1);
  std::thread consumer([&] { gate.finish(); });
  consumer.join();
  gate.pause();  // would hang if it waited for a parked consumer
  gate.resume();
  gate.pause_from_consumer();  // a rebalance served by close(), after the threads ended
  gate.resume();
  BatchBoundaryGate never_started;
  never_started.pause();
  never_started.resume();
  SUCCEED("no pause waited for a consumer that will not come");
}

}  // namespace
}  // namespace driftd::kafka
