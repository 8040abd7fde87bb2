// How long an alert deliverer waits before it tries a failed delivery again
// (webhooks, Alertmanager): exponential backoff with jitter. After the k-th
// failure in a row the nominal delay is initial x 2^(k-1), capped at max; the
// delay returned is drawn uniformly from its upper half [nominal/2, nominal],
// so receivers coming back are not hit by every sender at the same instant.
//
// Guarantees: delay(k) is in [initial/2, max] for every k >= 1 (k <= 0 counts
// as 1); no overflow for any k.
//
// Thread safety: delay() from any thread (the random engine is guarded).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

namespace driftd::alerts {

class RetryBackoff {
 public:
  // REQUIRES: 0 < initial <= max.
  RetryBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds max);

  // The wait after `failures_in_a_row` failures.
  std::chrono::milliseconds delay(int64_t failures_in_a_row);

 private:
  const std::chrono::milliseconds initial_;
  const std::chrono::milliseconds max_;
  std::mutex mutex_;
  std::mt19937_64 jitter_{std::random_device{}()};  // guarded by mutex_
};

}  // namespace driftd::alerts
