// Event-time alignment of a stream's partitions: the latest event time the
// stream has seen on each partition of its topic, and the limit they put on
// how far a batch may raise the stream's watermark.
//
// One watermark serves all partitions of a stream. If a batch from a
// partition consumed ahead of the others (uneven fetches, catching up after
// an outage) raised it to its own latest time, the others' events would be
// late. So a batch from partition p may raise the watermark only up to the
// smallest latest time among the other partitions that still have messages
// to read (a partition never read counts as the beginning of time). A
// partition with nothing left to read cannot hold time back.
//
// Thread safety: none; the Kafka consumer thread owns it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace driftd::kafka {

class PartitionTimes {
 public:
  // Raises partition's latest event time to `latest` (never lowers it).
  // REQUIRES: partition >= 0.
  void advance(int32_t partition, int64_t latest);

  // The limit for a batch from `partition`: the smallest latest time among
  // `others` (partitions of the topic owned now, `partition` excluded) for
  // which behind(q) is true; nullopt when none is behind.
  template <class Behind>
  std::optional<int64_t> limit_for(int32_t partition, std::span<const int32_t> others,
                                   const Behind& behind) const {
    std::optional<int64_t> limit;
    for (const int32_t other : others) {
      if (other == partition || !behind(other)) continue;
      const int64_t latest = latest_of(other);
      limit = limit ? std::min(*limit, latest) : latest;
    }
    return limit;
  }

  // The latest time seen on partition (INT64_MIN when none).
  int64_t latest_of(int32_t partition) const;

 private:
  std::vector<int64_t> latest_;  // by partition
};

}  // namespace driftd::kafka
