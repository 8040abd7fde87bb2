// DurableAcks: held answers are taken oldest first, answers put back after a
// refused cut stay ahead of newer ones, fail_all() answers everything once
// with "not durable", and answers held from many threads while the manager
// takes them are each answered exactly once (run under TSan).
#include <atomic>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "app/durable_acks.h"

namespace driftd {
namespace {

TEST_CASE("Held answers are taken in order and put back ahead of newer ones") {
  DurableAcks acks(2);
  std::vector<int> answered;
  const auto answer = [&](int id) {
    return [&answered, id](bool durable) { answered.push_back(durable ? id : -id); };
  };
  acks.hold(0, answer(1));
  acks.hold(0, answer(2));
  acks.hold(1, answer(9));
  std::vector<DurableAcks::Answer> taken = acks.take(0);
  REQUIRE(taken.size() == 2);
  CHECK(acks.take(0).empty());
  acks.hold(0, answer(3));               // arrives while the cut is refused
  acks.hold_again(0, std::move(taken));  // first in line again
  for (auto& a : acks.take(0)) a(true);
  CHECK(answered == std::vector<int>{1, 2, 3});
  acks.fail_all();
  CHECK(answered == std::vector<int>{1, 2, 3, -9});
  acks.fail_all();  // nothing left
  CHECK(answered.size() == 4);
}

TEST_CASE("Answers held from many threads are each answered once") {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  DurableAcks acks(1);
  std::vector<std::atomic<int>> answers(kThreads * kPerThread);
  std::atomic<int> writers_done{0};
  std::thread manager([&] {
    bool last = false;
    while (!last) {
      last = writers_done.load(std::memory_order_acquire) == kThreads;
      std::vector<DurableAcks::Answer> taken = acks.take(0);
      // Every other round the cut is "refused" and the answers held again.
      if (!taken.empty() && taken.size() % 2 == 1 && !last) {
        acks.hold_again(0, std::move(taken));
        continue;
      }
      for (auto& answer : taken) answer(true);
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        acks.hold(0, [&answers, slot = t * kPerThread + i](bool durable) {
          answers[static_cast<std::size_t>(slot)].fetch_add(durable ? 1 : 100);
        });
      }
      writers_done.fetch_add(1, std::memory_order_release);
    });
  }
  for (auto& writer : writers) writer.join();
  manager.join();
  acks.fail_all();
  int once = 0;
  for (const auto& answer : answers) once += answer.load() == 1 ? 1 : 0;
  CHECK(once == kThreads * kPerThread);
}

}  // namespace
}  // namespace driftd
