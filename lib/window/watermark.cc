#include "window/watermark.h"

#include <algorithm>
#include <cassert>

namespace driftd {

Watermark::Watermark(std::chrono::milliseconds allowed_lateness)
    : allowed_lateness_ms_(allowed_lateness.count()) {
  assert(allowed_lateness_ms_ >= 0 && allowed_lateness_ms_ <= kMaxTimestampMs);
}

void Watermark::observe(std::int64_t time_ms) {
  assert(time_ms >= kMinTimestampMs && time_ms <= kMaxTimestampMs);
  // relaxed throughout: the value is only a frontier for deciding which panes
  // to close; no other data is published through it (counts travel through
  // the recorder's phaser), and atomicity alone keeps it monotone.
  std::int64_t seen = max_time_ms_.load(std::memory_order_relaxed);
  while (time_ms > seen &&
         !max_time_ms_.compare_exchange_weak(seen, time_ms, std::memory_order_relaxed)) {
  }
}

std::int64_t Watermark::current() const {
  // relaxed: see observe().
  const std::int64_t max_time = max_time_ms_.load(std::memory_order_relaxed);
  return std::max(max_time - allowed_lateness_ms_, kMinTimestampMs);
}

}  // namespace driftd
