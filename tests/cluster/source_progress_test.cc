// The owner's watermark in cluster mode: every partition of the source
// topic, whichever instance reads it, holds time as in one instance.
#include "cluster/source_progress.h"

#include <vector>

#include <catch2/catch.hpp>

#include "window/pane.h"

namespace driftd::cluster {
namespace {

constexpr int64_t kIdleMs = 10'000;

PartitionProgress progress(int32_t partition, int64_t next_offset, int64_t latest_ms,
                           bool behind = false) {
  return {.partition = partition, .next_offset = next_offset, .watermark_ms = latest_ms,
          .behind = behind};
}

TEST_CASE("no window closes before every partition of the topic has been heard from") {
  SourceProgress source(kIdleMs);
  source.set_partition_count(3);
  CHECK_FALSE(source.frontier(0).has_value());
  // Two instances report partitions 0 and 2; partition 1's holder has not cut yet.
  source.apply(std::vector{progress(0, 10, 5'000)}, 0);
  source.apply(std::vector{progress(2, 7, 9'000)}, 0);
  CHECK_FALSE(source.frontier(0).has_value());
  // Not even once the others have been quiet for long: partition 1 may be
  // read by nobody yet, its events all to come.
  CHECK_FALSE(source.frontier(5 * kIdleMs).has_value());
  source.apply(std::vector{progress(1, 3, 7'000)}, 5 * kIdleMs);
  // Partitions 0 and 2 have been quiet for 5 idle timeouts: only 1 holds.
  CHECK(source.frontier(5 * kIdleMs) == 7'000);
  source.apply(std::vector{progress(0, 11, 6'000)}, 5 * kIdleMs);
  CHECK(source.frontier(5 * kIdleMs) == 6'000);  // the slowest partition that holds
}

TEST_CASE("a quiet partition holds for idle_timeout of the owner's activity, one behind for good") {
  SourceProgress source(kIdleMs);
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
  // Partition 1 goes quiet too, 2 stays behind: 2 holds whatever the time.
  CHECK(source.frontier(12'000 + 2 * kIdleMs) == 15'000);
  // Caught up and quiet: nothing holds, the frontier is the latest time.
  source.apply(std::vector{progress(2, 20'000, 15'000)}, 12'000 + 2 * kIdleMs);
  CHECK(source.frontier(12'000 + 4 * kIdleMs) == 15'000);
}

TEST_CASE("progress never goes back: stale entries are ignored and counted") {
  SourceProgress source(kIdleMs);
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
  SourceProgress source(kIdleMs);
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
  SourceProgress empty(kIdleMs);
  empty.apply(std::vector{progress(0, 0, kMinTimestampMs), progress(1, 4, 2'000)}, 0);
  CHECK_FALSE(empty.frontier(0).has_value());
  CHECK(empty.frontier(kIdleMs) == 2'000);  // once idle, the other partition's time
}

TEST_CASE("a restored owner holds every partition a whole idle_timeout again") {
  SourceProgress source(kIdleMs);
  source.apply(std::vector{progress(0, 10, 1'000), progress(1, 20, 5'000, true)}, 0);
  const std::vector<SourceProgress::Entry> saved = source.entries();
  CHECK(saved == std::vector<SourceProgress::Entry>{{0, 10, 1'000, false}, {1, 20, 5'000, true}});

  SourceProgress restored(kIdleMs);
  restored.set_partition_count(2);
  restored.restore(saved, 700);
  CHECK(restored.entries() == saved);
  CHECK(restored.frontier(700 + kIdleMs - 1) == 1'000);
  CHECK(restored.frontier(700 + kIdleMs) == 5'000);  // 1 still behind
}

}  // namespace
}  // namespace driftd::cluster
