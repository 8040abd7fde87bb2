// The clocks driftd reads, behind one interface, so code that decides by
// time can be handed a clock a test controls instead of the host's.
//
//   wall_ms()  milliseconds since the Unix epoch (system_clock): event times,
//              row timestamps, retention cut-offs, webhook due times;
//   steady()   monotonic time, for intervals and deadlines; its epoch is
//              arbitrary (on Linux, the host's boot), so code must never
//              treat a particular value of it as meaning anything.
//
// Thread safety: both functions may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace driftd {

class Clock {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  virtual int64_t wall_ms() const = 0;
  virtual SteadyTime steady() const = 0;

  // The host's clocks.
  static const Clock& system();
};

// A clock that moves only when told to (tests). Both readings advance
// together; it starts at the times given.
class ManualClock final : public Clock {
 public:
  ManualClock(int64_t wall_ms, SteadyTime steady)
      : wall_ms_(wall_ms), steady_(steady.time_since_epoch().count()) {}

  int64_t wall_ms() const override { return wall_ms_.load(std::memory_order_relaxed); }
  SteadyTime steady() const override {
    return SteadyTime(SteadyTime::duration(steady_.load(std::memory_order_relaxed)));
  }
  void advance(std::chrono::milliseconds by) {
    wall_ms_.fetch_add(by.count(), std::memory_order_relaxed);
    steady_.fetch_add(std::chrono::duration_cast<SteadyTime::duration>(by).count(),
                      std::memory_order_relaxed);
  }

 private:
  std::atomic<int64_t> wall_ms_;
  std::atomic<SteadyTime::rep> steady_;
};

}  // namespace driftd
