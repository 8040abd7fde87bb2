// The clock partitions go idle by (partition_times.h): it runs while messages
// flow and (almost) stops while none do. Each delivery advances it by the
// steady time since the previous delivery, a pause counted up to
// kMaxStallMs, so an outage, a hung broker or a quiet topic costs at most
// that much idle time.
//
// Thread safety: deliveries from any threads (relaxed atomics: of two
// racing deliveries each counts the time since the other's, so the clock
// never runs faster than steady time plus one stall); now() from any thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace driftd::kafka {

class ActivityClock {
 public:
  static constexpr int64_t kMaxStallMs = 1000;

  // Counts a delivery at steady time `steady_ms` and returns the clock's time.
  int64_t count_delivery(int64_t steady_ms) {
    const int64_t previous = last_delivery_ms_.exchange(steady_ms, std::memory_order_relaxed);
    const int64_t step = std::clamp<int64_t>(steady_ms - previous, 0, kMaxStallMs);
    return activity_ms_.fetch_add(step, std::memory_order_relaxed) + step;
  }

  // Starts counting from steady time `steady_ms` (no delivery yet).
  void start(int64_t steady_ms) { last_delivery_ms_.store(steady_ms, std::memory_order_relaxed); }

  int64_t now() const { return activity_ms_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> activity_ms_{0};
  std::atomic<int64_t> last_delivery_ms_{0};  // steady time of the latest delivery
};

}  // namespace driftd::kafka
