// A Prometheus histogram of durations with fixed buckets: observe() from one
// thread (the window manager's commits), read from any (the /metrics
// handler). Each counter is a relaxed atomic: a scrape may see an
// observation in _count a moment before its bucket, as Prometheus clients
// commonly allow.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string_view>

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

  // Writes NAME_bucket{le=...} (cumulative), NAME_sum and NAME_count.
  void write(std::ostream& out, std::string_view name) const {
    for (std::size_t b = 0; b < kBounds.size(); ++b) {
      out << name << "_bucket{le=\"" << kBounds[b] << "\"} "
          << buckets_[b].load(std::memory_order_relaxed) << '\n';
    }
    const uint64_t count = count_.load(std::memory_order_relaxed);
    out << name << "_bucket{le=\"+Inf\"} " << count << '\n'
        << name << "_sum "
        << static_cast<double>(sum_microseconds_.load(std::memory_order_relaxed)) / 1e6 << '\n'
        << name << "_count " << count << '\n';
  }

  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBounds.size()> buckets_{};  // cumulative by bound
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_microseconds_{0};
};

}  // namespace driftd
