#include "alerts/retry_backoff.h"

#include <algorithm>

namespace driftd::alerts {

RetryBackoff::RetryBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
    : initial_(initial), max_(max) {}

std::chrono::milliseconds RetryBackoff::delay(int64_t failures_in_a_row) {
  const int64_t cap = max_.count();
  int64_t nominal = initial_.count();
  // Doubling stops at the cap, so it never overflows.
  for (int64_t k = 1; k < failures_in_a_row && nominal < cap; ++k) nominal *= 2;
  nominal = std::min(nominal, cap);
  std::uniform_int_distribution<int64_t> upper_half(nominal / 2, nominal);
  std::lock_guard lock(mutex_);
  return std::chrono::milliseconds(upper_half(jitter_));
}

}  // namespace driftd::alerts
