// Event-time alignment of a stream's partitions: the latest event time the
// stream has seen on each partition of its topic, and the limit they put on
// how far the stream's watermark may rise.
//
// One watermark serves all partitions of a stream. If a batch from a
// partition consumed ahead of the others (uneven fetches, catching up after
// an outage, a producer running ahead) raised it to its own latest time, the
// others' events would be late. So a partition *holds* time back at its
// latest time (a partition never read: at the beginning of time) while
//   - it still has messages to read (behind), or
//   - it is not idle yet: it delivered messages, was behind or was assigned
//     less than `idle_timeout` ago.
// A batch from partition p may raise the watermark only up to the smallest
// latest time among the other partitions that hold; the frontier() of all
// partitions is where the watermark may go without any batch (once holding
// partitions go idle or are revoked).
//
// Idle time is counted on the caller's *activity clock*, which runs only
// while messages flow (a pause between batches counts at most a second):
// a partition goes idle when it stays quiet while the others deliver. An
// outage or a hung broker stops the clock, so afterwards every partition
// still holds for the rest of its idle_timeout and the messages producers
// buffered meanwhile are on time whichever partition they reach first. A
// cached "nothing to read" (librdkafka's last fetch) can be stale by one
// fetch; idle_timeout covers that too. When the whole topic is quiet, no
// partition goes idle: windows close when messages flow again (or when every
// partition has passed them).
//
// Thread safety: the Kafka consumer threads share it. assigned() while no
// other thread uses it (a rebalance, every consumer thread parked);
// advance() by the thread consuming the partition; limit_for(), frontier()
// and latest_of() from any of them. The times are PartitionCells that only
// rise, so a reader racing an advance() sees the older time: its limit is
// lower, never unsafe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>

#include "kafka/partition_cells.h"

namespace driftd::kafka {

class PartitionTimes {
 public:
  // idle_timeout_ms >= 0 (0: a partition with nothing to read never holds).
  explicit PartitionTimes(int64_t idle_timeout_ms) : idle_timeout_ms_(idle_timeout_ms) {}

  // `partition` was assigned at activity time `now`: it holds time back
  // from now on until it delivers or goes idle. REQUIRES: partition >= 0.
  void assigned(int32_t partition, int64_t now);
  // `partition` delivered events up to `latest` at activity time `now`.
  // Raises its latest event time (never lowers it). REQUIRES: `partition`
  // was assigned().
  void advance(int32_t partition, int64_t latest, int64_t now);

  // The limit for a batch from `partition`: the smallest latest time among
  // the partitions of `owned` (those assigned now; `partition` excluded)
  // that hold at activity time `now`; nullopt when none holds.
  // behind(q) says whether q still has messages to read; a partition found
  // behind counts as active at `now` (its idle time starts again).
  template <class Behind>
  std::optional<int64_t> limit_for(int32_t partition, std::span<const int32_t> owned, int64_t now,
                                   const Behind& behind) {
    std::optional<int64_t> limit;
    for (const int32_t other : owned) {
      if (other == partition || !holds(other, now, behind(other))) continue;
      const int64_t latest = latest_of(other);
      limit = limit ? std::min(*limit, latest) : latest;
    }
    return limit;
  }

  // How far the watermark may rise with no batch: the latest time of every
  // owned partition, capped by the smallest latest time of those that hold
  // (nullopt when no owned partition delivered anything).
  template <class Behind>
  std::optional<int64_t> frontier(std::span<const int32_t> owned, int64_t now,
                                  const Behind& behind) {
    std::optional<int64_t> latest;
    for (const int32_t partition : owned) {
      if (const int64_t time = latest_of(partition); time != kNone) {
        latest = latest ? std::max(*latest, time) : time;
      }
    }
    if (!latest) return std::nullopt;
    const std::optional<int64_t> limit = limit_for(-1, owned, now, behind);
    return limit ? std::min(*latest, *limit) : *latest;
  }

  // The latest time seen on partition (INT64_MIN when none).
  int64_t latest_of(int32_t partition) const;
  // Sets the latest time of `partition` back to `latest` (cluster mode: the
  // partition is read again from an earlier offset). REQUIRES: `partition`
  // was assigned(); no other thread uses it meanwhile.
  void rewind(int32_t partition, int64_t latest) { latest_.store(partition, latest); }

 private:
  static constexpr int64_t kNone = INT64_MIN;
  // Whether `partition` holds time back at `now`; a behind partition is active.
  bool holds(int32_t partition, int64_t now, bool is_behind);

  const int64_t idle_timeout_ms_;
  // By partition number: the latest event time; the activity time it last
  // delivered, was behind or was assigned.
  PartitionCells latest_{kNone};
  PartitionCells last_active_{kNone};
};

}  // namespace driftd::kafka
