// The owner's watermark in cluster mode: every partition of the source
// topic, whichever instance reads it, holds time as in one instance; in
// processing time, at its holder's clock, never idle.
#include "cluster/source_progress.h"

#include <vector>

#include <catch2/catch.hpp>

#include "window/pane.h"

namespace driftd::cluster {
namespace {

constexpr int64_t kIdleMs = 10'000;
constexpr int64_t kReportMs = 3'000;

PartitionProgress progress(int32_t partition, int64_t next_offset, int64_t latest_ms,
                           bool behind = false) {
  return {.partition = partition, .next_offset = next_offset, .watermark_ms = latest_ms,
          .behind = behind};
}

TEST_CASE("no window closes before every partition of the topic has been heard from") {
  SourceProgress source(TimeDomain::event_time, kIdleMs, kReportMs);
  source.set_partition_count(3);
  CHECK_FALSE(source.frontier(0).has_value());
  // Two instances report partitions 0 and 2; partition 1's holder has not cut yet.
  source.apply(std::vector{progress(0, 10, 5'000)}, 0);
  source.apply(std::vector{progress(2, 7, 9'000)}, 0);
  CHECK_FALSE(source.frontier(0).has_value());
  // Not even once the others have been quiet for long (their holders
  // naming them at every cut, with nothing new): partition 1 may be read by
  // nobody yet, its events all to come.
  source.apply(std::vector{progress(0, 10, 5'000)}, 5 * kIdleMs);
  source.apply(std::vector{progress(2, 7, 9'000)}, 5 * kIdleMs);
  CHECK_FALSE(source.frontier(5 * kIdleMs).has_value());
  source.apply(std::vector{progress(1, 3, 7'000)}, 5 * kIdleMs);
  // Partitions 0 and 2 have been quiet for 5 idle timeouts: only 1 holds.
  CHECK(source.frontier(5 * kIdleMs) == 7'000);
  source.apply(std::vector{progress(0, 11, 6'000)}, 5 * kIdleMs);
  CHECK(source.frontier(5 * kIdleMs) == 6'000);  // the slowest partition that holds
}

TEST_CASE("a quiet partition holds for idle_timeout of the owner's activity, one behind for good") {
  SourceProgress source(TimeDomain::event_time, kIdleMs, kReportMs);
  source.set_partition_count(3);
  source.apply(std::vector{progress(0, 10, 1'000), progress(1, 10, 2'000)}, 0);
  source.apply(std::vector{progress(2, 10, 3'000, /*behind=*/true)}, 0);
  CHECK(source.frontier(0) == 1'000);
  // Partitions 1 and 2 deliver; 0 is quiet (its holder's empty partials).
  for (int64_t activity = 1'000; activity <= 12'000; activity += 1'000) {
    source.apply(std::vector{progress(0, 10, 1'000)}, activity);
    source.apply(std::vector{progress(1, 10 + activity, 2'000 + activity)}, activity);
    source.apply(std::vector{progress(2, 10 + activity, 3'000 + activity, /*behind=*/true)},
                 activity);
  }
  // Activity 12 s: partition 0 has been quiet for 12 s > 10 s, no longer holds;
  // partition 1 holds at 14 s.
  CHECK(source.frontier(12'000) == 14'000);
  // Partition 1 goes quiet too (still named), 2 stays behind: 2 holds
  // whatever the time.
  const auto name_all = [&](int64_t activity, bool behind) {
    source.apply(std::vector{progress(0, 10, 1'000), progress(1, 12'010, 14'000)}, activity);
    source.apply(std::vector{progress(2, 12'010, 15'000, behind)}, activity);
  };
  name_all(12'000 + 2 * kIdleMs, true);
  CHECK(source.frontier(12'000 + 2 * kIdleMs) == 15'000);
  // Caught up and quiet: nothing holds, the frontier is the latest time.
  name_all(12'000 + 4 * kIdleMs, false);
  CHECK(source.frontier(12'000 + 4 * kIdleMs) == 15'000);
}

TEST_CASE("progress never goes back: stale entries are ignored and counted") {
  SourceProgress source(TimeDomain::event_time, kIdleMs, kReportMs);
  source.set_partition_count(1);
  CHECK(source.apply(std::vector{progress(0, 100, 8'000)}, 0) == 0);
  // The partition's previous holder's last partial, arriving after the new holder's.
  CHECK(source.apply(std::vector{progress(0, 90, 7'000, /*behind=*/true)}, 0) == 1);
  CHECK(source.entries() == std::vector<SourceProgress::Entry>{{0, 100, 8'000, false}});
  // The new holder, restarted from the committed offset, has not read far
  // yet: latest times only rise.
  CHECK(source.apply(std::vector{progress(0, 100, kMinTimestampMs)}, 0) == 0);
  CHECK(source.frontier(0) == 8'000);
}

TEST_CASE("partitions added to the topic hold until heard from") {
  SourceProgress source(TimeDomain::event_time, kIdleMs, kReportMs);
  source.set_partition_count(1);
  source.apply(std::vector{progress(0, 5, 1'000)}, 0);
  CHECK(source.frontier(0) == 1'000);
  source.set_partition_count(2);
  CHECK_FALSE(source.frontier(0).has_value());
  // A partial may name a partition before the owner's metadata does.
  source.apply(std::vector{progress(2, 1, 4'000)}, 0);
  CHECK(source.partition_count() == 3);
  source.apply(std::vector{progress(1, 1, 3'000)}, 0);
  CHECK(source.frontier(0) == 1'000);
  // A partition heard from with no event time yet holds at the beginning of time.
  SourceProgress empty(TimeDomain::event_time, kIdleMs, kReportMs);
  empty.apply(std::vector{progress(0, 0, kMinTimestampMs), progress(1, 4, 2'000)}, 0);
  CHECK_FALSE(empty.frontier(0).has_value());
  empty.apply(std::vector{progress(0, 0, kMinTimestampMs), progress(1, 4, 2'000)}, kIdleMs);
  CHECK(empty.frontier(kIdleMs) == 2'000);  // once idle, the other partition's time
}

TEST_CASE("a restored owner holds every partition a whole idle_timeout again") {
  SourceProgress source(TimeDomain::event_time, kIdleMs, kReportMs);
  source.apply(std::vector{progress(0, 10, 1'000), progress(1, 20, 5'000, true)}, 0);
  const std::vector<SourceProgress::Entry> saved = source.entries();
  CHECK(saved == std::vector<SourceProgress::Entry>{{0, 10, 1'000, false}, {1, 20, 5'000, true}});

  SourceProgress restored(TimeDomain::event_time, kIdleMs, kReportMs);
  restored.set_partition_count(2);
  restored.restore(saved, 700);
  CHECK(restored.entries() == saved);
  // Partition 0's holder names it at each cut, with nothing new.
  restored.apply(std::vector{progress(0, 10, 1'000)}, 700 + kIdleMs - 1);
  CHECK(restored.frontier(700 + kIdleMs - 1) == 1'000);
  CHECK(restored.frontier(700 + kIdleMs) == 5'000);  // 1 still behind
}

TEST_CASE("a partition no partial names any more holds time until a holder names it") {
  SourceProgress source(TimeDomain::event_time, kIdleMs, kReportMs);
  source.set_partition_count(2);
  source.apply(std::vector{progress(0, 10, 1'000), progress(1, 10, 1'000)}, 0);
  // Partition 1's holder dies: only partition 0 is named, and advances.
  for (int64_t activity = 1'000; activity <= 4 * kIdleMs; activity += 1'000) {
    source.apply(std::vector{progress(0, 10 + activity, 1'000 + activity)}, activity);
    if (activity <= kReportMs) {
      CHECK(source.frontier(activity) == 1'000);  // not idle yet anyway
    }
  }
  // Long after idle_timeout, partition 1 still holds: its events are to come.
  CHECK(source.frontier(4 * kIdleMs) == 1'000);
  // Its new holder reads on from the committed offset and names it.
  source.apply(std::vector{progress(1, 500, 30'000, /*behind=*/true)}, 4 * kIdleMs);
  CHECK(source.frontier(4 * kIdleMs) == 30'000);
  // Caught up: it holds for idle_timeout of its holder's naming, then not.
  source.apply(std::vector{progress(1, 900, 35'000)}, 4 * kIdleMs + 1'000);
  for (int64_t activity = 4 * kIdleMs + 2'000; activity <= 6 * kIdleMs; activity += 1'000) {
    source.apply(std::vector{progress(1, 900, 35'000)}, activity);
    source.apply(std::vector{progress(0, 10 + activity, 1'000 + activity)}, activity);
  }
  CHECK(source.frontier(6 * kIdleMs) == 1'000 + 6 * kIdleMs);
}

TEST_CASE("processing time: every partition holds at its holder's clock, quiet or not") {
  // idle_timeout 0, as a stream without event_time has: still none goes idle.
  SourceProgress source(TimeDomain::processing_time, 0, kReportMs);
  source.set_partition_count(3);
  // Two instances: A holds 0 and 1, B holds 2; their clocks differ by 400 ms.
  source.apply(std::vector{progress(0, 10, 5'000), progress(1, 0, 5'000)}, 0);
  CHECK_FALSE(source.frontier(0).has_value());  // partition 2 not heard from
  source.apply(std::vector{progress(2, 4, 4'600)}, 0);
  CHECK(source.frontier(0) == 4'600);
  // A cuts on, its partitions quiet (partition 1 never had an event); B
  // stops cutting: the slowest clock holds, however long A's activity runs.
  for (int64_t activity = 1'000; activity <= 10 * kReportMs; activity += 1'000) {
    source.apply(std::vector{progress(0, 10, 5'000 + activity), progress(1, 0, 5'000 + activity)},
                 activity);
    CHECK(source.frontier(activity) == 4'600);
  }
  // B's next cut (or its partitions' next holder's) moves time on.
  source.apply(std::vector{progress(2, 4, 40'000)}, 10 * kReportMs);
  CHECK(source.frontier(10 * kReportMs) == 35'000);  // A's latest clock
}

}  // namespace
}  // namespace driftd::cluster
