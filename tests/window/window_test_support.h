// Helpers shared by the window module's tests.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

namespace driftd::testing {

// A counter block as the tests build and compare them.
using Counts = std::vector<std::uint64_t>;

inline void add_into(Counts& total, std::span<const std::uint64_t> counts) {
  total.resize(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    total[i] += counts[i];
  }
}

// Runs work(worker, pace) on `workers` threads while this thread calls
// manage() until they are done, and once more afterwards. Workers call
// pace(batch) before each batch. Pacing keeps both sides in step however the
// threads get scheduled, so they interleave many times: after the manager's
// t-th call, a worker may begin batches below kBatchesPerTick * (t + 2), and
// the manager calls again once every running worker has begun
// kBatchesPerTick * (t + 1) of them; so each call overlaps the batches of the
// next tick. Neither side can block the other for good: a waiting worker has
// begun everything the manager waits for, and the manager waits only for
// workers that may proceed. (A test harness choice: the code under test never
// makes writers wait.)
inline constexpr std::uint64_t kBatchesPerTick = 4;

template <class Work, class Manage>
void run_racing(std::size_t workers, Work work, Manage manage) {
  constexpr std::uint64_t kDone = ~std::uint64_t{0};
  std::atomic<std::uint64_t> ticks{0};
  std::vector<std::atomic<std::uint64_t>> begun(workers);  // Batches begun; kDone when done.
  std::vector<std::thread> threads;
  for (std::size_t worker = 0; worker < workers; ++worker) {
    threads.emplace_back([&, worker] {
      const auto pace = [&](std::uint64_t batch) {
        while (batch >= kBatchesPerTick * (ticks.load() + 2)) {
          std::this_thread::yield();
        }
        begun[worker].store(batch + 1);
      };
      work(worker, pace);
      begun[worker].store(kDone);
    });
  }
  for (;;) {
    const std::uint64_t due = kBatchesPerTick * (ticks.load() + 1);
    bool all_done = true;
    bool all_due = true;
    for (const auto& count : begun) {
      const std::uint64_t value = count.load();
      all_done = all_done && value == kDone;
      all_due = all_due && (value == kDone || value >= due);
    }
    if (all_done) {
      break;
    }
    if (!all_due) {
      std::this_thread::yield();
      continue;
    }
    manage();
    ticks.fetch_add(1);
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  manage();
}

}  // namespace driftd::testing
