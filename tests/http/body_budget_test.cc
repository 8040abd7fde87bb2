// BodyBudget: one atomic budget of request body bytes shared by every
// connection. Labelled concurrency with the rest of test_http, so it also
// runs under ThreadSanitizer.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "http/body_budget.h"

using driftd::http::BodyBudget;

TEST_CASE("a reservation grows within the budget and gives everything back", "[http][body_budget]") {
  BodyBudget budget(1000);
  {
    BodyBudget::Reservation a(budget);
    CHECK(a.try_grow(600));
    BodyBudget::Reservation b(budget);
    CHECK_FALSE(b.try_grow(401));  // 600 + 401 > 1000: nothing taken
    CHECK(b.bytes() == 0);
    CHECK(b.try_grow(400));        // exactly the capacity
    CHECK(budget.in_use() == 1000);
    CHECK_FALSE(a.try_grow(1));
    CHECK(a.bytes() == 600);       // a refusal keeps what was held
    CHECK(b.try_grow(0));          // an empty body always fits

    BodyBudget::Reservation moved(std::move(a));
    CHECK(moved.bytes() == 600);
    CHECK(a.bytes() == 0);  // NOLINT(bugprone-use-after-move): moved-from holds nothing
    moved.release();
    moved.release();  // idempotent
    CHECK(budget.in_use() == 400);
    CHECK(moved.try_grow(600));
    b = std::move(moved);  // b's 400 go back, it takes over 600
    CHECK(budget.in_use() == 600);
  }
  CHECK(budget.in_use() == 0);  // destruction released the rest
}

TEST_CASE("concurrent reservations never hold more than the budget together",
          "[http][body_budget][concurrency]") {
  constexpr std::uint64_t kCapacity = 1 << 20;
  constexpr int kThreads = 4;
  constexpr int kRounds = 20000;
  BodyBudget budget(kCapacity);
  // Bytes the threads hold, added after a successful grow and taken off
  // before the release: it can only exceed the capacity if the budget let
  // reservations overshoot.
  std::atomic<std::uint64_t> held{0};
  std::atomic<std::uint64_t> max_held{0};
  std::atomic<std::uint64_t> refusals{0};
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) {  // start together
        std::this_thread::yield();
      }
      std::mt19937_64 random(static_cast<std::uint64_t>(t) + 1);
      std::uniform_int_distribution<std::uint64_t> size(1, kCapacity / 3);
      for (int round = 0; round < kRounds; ++round) {
        BodyBudget::Reservation reservation(budget);
        for (int chunk = 0; chunk < 3; ++chunk) {  // a chunked body: grows piece by piece
          const std::uint64_t bytes = size(random);
          if (!reservation.try_grow(bytes)) {
            refusals.fetch_add(1, std::memory_order_relaxed);
            break;
          }
          const std::uint64_t now = held.fetch_add(bytes) + bytes;
          std::uint64_t seen = max_held.load();
          while (now > seen && !max_held.compare_exchange_weak(seen, now)) {
          }
          std::this_thread::yield();  // hold it while the others run
        }
        held.fetch_sub(reservation.bytes());
        // The reservation's destructor gives the bytes back.
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(max_held.load() <= kCapacity);
  CHECK(refusals.load() > 0);  // the budget filled up, so the bound was tested
  CHECK(held.load() == 0);
  CHECK(budget.in_use() == 0);
}
