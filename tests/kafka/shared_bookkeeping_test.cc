// What the Kafka consumer threads share while they run -- PartitionTimes and
// StreamPositions -- used the way kafka_source.cc uses them, under
// ThreadSanitizer (label concurrency): each thread writes its own
// partitions and reads the others' while they change.
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "kafka/partition_times.h"
#include "kafka/stream_positions.h"

namespace driftd::kafka {
namespace {

TEST_CASE("Threads advancing their own partitions see the others' times and positions rise") {
  constexpr int kSteps = 20000;
  PartitionTimes times(1'000'000);
  StreamPositions positions("t");
  const std::vector<int32_t> owned{0, 1, 2, 3};
  for (const int32_t partition : owned) {  // the rebalance, before the threads run
    times.assigned(partition, 0);
    positions.reserve(partition);
  }
  std::atomic<int> went_back{0};
  std::atomic<int> beyond{0};
  // Thread t owns partitions t and t + 2; event time i * 10 + partition.
  const auto consume = [&](int32_t first) {
    int64_t last_limit = INT64_MIN;
    int64_t last_seen_offset = -1;
    const int32_t other = 1 - first;
    for (int i = 0; i < kSteps; ++i) {
      for (const int32_t partition : {first, first + 2}) {
        const auto behind = [&](int32_t p) { return positions.next_offset(p).value_or(0) < kSteps; };
        const std::optional<int64_t> limit = times.limit_for(partition, owned, i, behind);
        // Partition `partition` never limits itself; the other thread's
        // partitions have times at most (kSteps - 1) * 10 + 3.
        if (limit) {
          went_back += *limit < last_limit;
          beyond += *limit > (kSteps - 1) * 10 + 3;
          last_limit = *limit;
        }
        if (positions.take(partition, i)) times.advance(partition, i * 10 + partition, i);
      }
      const int64_t offset = positions.next_offset(other).value_or(-1);
      went_back += offset < last_seen_offset;
      last_seen_offset = offset;
    }
  };
  std::thread zero(consume, 0);
  std::thread one(consume, 1);
  zero.join();
  one.join();
  CHECK(went_back.load() == 0);
  CHECK(beyond.load() == 0);
  for (const int32_t partition : owned) {
    CHECK(positions.next_offset(partition) == kSteps);
    CHECK(times.latest_of(partition) == (kSteps - 1) * 10 + partition);
  }
}

}  // namespace
}  // namespace driftd::kafka
