// A Prometheus histogram of durations with fixed buckets: observe() from one
// thread (the window manager's commits), read from any (the /metrics
// collectors, metrics/metrics_writer.h). Each counter is a relaxed atomic: a scrape may see an
// observation in _count a moment before its bucket, as Prometheus clients
// commonly allow.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace driftd {

class LatencyHistogram {
 public:
  // Upper bounds in seconds; the +Inf bucket is implicit.
  static constexpr std::array<double, 11> kBounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                  0.1,   0.25,   0.5,   1.0,  2.5};

  void observe(std::chrono::microseconds duration) {
    const double seconds = static_cast<double>(duration.count()) / 1e6;
    for (std::size_t b = 0; b < kBounds.size(); ++b) {
      if (seconds <= kBounds[b]) buckets_[b].fetch_add(1, std::memory_order_relaxed);
    }
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_microseconds_.fetch_add(static_cast<uint64_t>(duration.count()), std::memory_order_relaxed);
  }

  // The observations <= each bound (cumulative), and their sum in seconds.
  std::array<uint64_t, kBounds.size()> buckets() const {
    std::array<uint64_t, kBounds.size()> out{};
    for (std::size_t b = 0; b < kBounds.size(); ++b) {
      out[b] = buckets_[b].load(std::memory_order_relaxed);
    }
    return out;
  }
  double sum_seconds() const {
    return static_cast<double>(sum_microseconds_.load(std::memory_order_relaxed)) / 1e6;
  }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBounds.size()> buckets_{};  // cumulative by bound
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_microseconds_{0};
};

}  // namespace driftd
