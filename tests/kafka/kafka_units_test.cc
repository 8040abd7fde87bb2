// The Kafka source's bookkeeping, without a broker: stream positions,
// partition event-time alignment, librdkafka statistics.
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kafka/activity_clock.h"
#include "kafka/broker_stats.h"
#include "kafka/partition_times.h"
#include "kafka/stream_positions.h"

namespace driftd::kafka {
namespace {

TEST_CASE("Stream positions skip what was counted and advance past what is taken") {
  StreamPositions positions("payments");
  const std::vector<SourcePosition> stored{
      {"payments", 0, 10}, {"payments", 2, 5}, {"refunds", 1, 99}};
  positions.restore(stored);
  CHECK(positions.next_offset(0) == 10);
  CHECK_FALSE(positions.next_offset(1).has_value());  // never read, other topic ignored
  CHECK(positions.next_offset(2) == 5);
  CHECK_FALSE(positions.next_offset(-1).has_value());

  CHECK_FALSE(positions.take(0, 9));  // counted before the restart
  CHECK(positions.take(0, 10));
  CHECK_FALSE(positions.take(0, 10));  // re-delivered
  CHECK(positions.take(0, 15));        // a gap (compaction, transaction markers)
  positions.reserve(1);                // assigned
  CHECK(positions.take(1, 0));
  positions.reserve(7);                // a partition added to the topic
  CHECK(positions.take(7, 3));
  CHECK(positions.snapshot() == std::vector<SourcePosition>{{"payments", 0, 16},
                                                            {"payments", 1, 1},
                                                            {"payments", 2, 5},
                                                            {"payments", 7, 4}});
}

TEST_CASE("A partition still behind limits how far the others raise the watermark") {
  PartitionTimes times(0);  // no idle hold: only partitions behind hold
  const std::vector<int32_t> assigned{0, 1, 2};
  const auto all_behind = [](int32_t) { return true; };
  constexpr int64_t kNever = std::numeric_limits<int64_t>::min();
  for (const int32_t partition : assigned) times.assigned(partition, 0);
  // Partition 2 was never read: nothing may close yet.
  times.advance(0, 5000, 0);
  times.advance(1, 3000, 0);
  CHECK(times.limit_for(0, assigned, 0, all_behind) == kNever);
  CHECK(times.frontier(assigned, 0, all_behind) == kNever);
  times.advance(2, 4000, 0);
  CHECK(times.limit_for(0, assigned, 0, all_behind) == 3000);
  CHECK(times.limit_for(1, assigned, 0, all_behind) == 4000);
  CHECK(times.frontier(assigned, 0, all_behind) == 3000);
  // Times never go back.
  times.advance(1, 1000, 0);
  CHECK(times.latest_of(1) == 3000);
  // A partition with nothing left to read cannot hold time back.
  const auto only_two_behind = [](int32_t partition) { return partition == 2; };
  CHECK(times.limit_for(0, assigned, 0, only_two_behind) == 4000);
  CHECK_FALSE(times.limit_for(2, assigned, 0, only_two_behind).has_value());
  CHECK(times.frontier(assigned, 0, only_two_behind) == 4000);
  const auto none_behind = [](int32_t) { return false; };
  CHECK(times.frontier(assigned, 0, none_behind) == 5000);
  // Only the partitions owned now count.
  CHECK_FALSE(times.limit_for(0, std::vector<int32_t>{0}, 0, all_behind).has_value());
}

TEST_CASE("A quiet partition holds time back until it has been idle for idle_timeout") {
  PartitionTimes times(10'000);
  const std::vector<int32_t> assigned{0, 1};
  const auto none_behind = [](int32_t) { return false; };
  constexpr int64_t kNever = std::numeric_limits<int64_t>::min();
  // Both assigned at activity time 0; only partition 0 delivers.
  times.assigned(0, 0);
  times.assigned(1, 0);
  times.advance(0, 50'000, 1'000);
  // Partition 1 (caught up, never delivered) holds at the beginning of time...
  CHECK(times.limit_for(0, assigned, 9'999, none_behind) == kNever);
  CHECK(times.frontier(assigned, 9'999, none_behind) == kNever);
  // ... until idle_timeout after its assignment.
  CHECK_FALSE(times.limit_for(0, assigned, 10'000, none_behind).has_value());
  CHECK(times.frontier(assigned, 10'000, none_behind) == 50'000);
  // Partition 1 delivers: it holds at its latest time for another
  // idle_timeout, then releases.
  times.advance(1, 20'000, 12'000);
  CHECK(times.limit_for(0, assigned, 21'999, none_behind) == 20'000);
  CHECK(times.frontier(assigned, 21'999, none_behind) == 20'000);
  CHECK(times.frontier(assigned, 22'000, none_behind) == 50'000);
  // Having messages to read makes it active again: it holds from then on.
  const auto one_behind = [](int32_t partition) { return partition == 1; };
  CHECK(times.frontier(assigned, 30'000, one_behind) == 20'000);
  CHECK(times.frontier(assigned, 39'999, none_behind) == 20'000);
  CHECK(times.frontier(assigned, 40'000, none_behind) == 50'000);
  // Never assigned through assigned() nor delivered: it does not hold.
  CHECK_FALSE(times.limit_for(0, std::vector<int32_t>{0, 7}, 0, none_behind).has_value());
}

TEST_CASE("The activity clock runs with deliveries and counts a pause up to a second") {
  ActivityClock clock;
  clock.start(50'000);
  CHECK(clock.now() == 0);
  CHECK(clock.count_delivery(50'200) == 200);
  CHECK(clock.count_delivery(50'300) == 300);
  // An outage of a minute: one stall's worth.
  CHECK(clock.count_delivery(110'300) == 300 + ActivityClock::kMaxStallMs);
  // A steady clock read late by another thread never runs it backwards.
  CHECK(clock.count_delivery(110'250) == 1'300);
  CHECK(clock.count_delivery(110'400) == 1'450);
  CHECK(clock.now() == 1'450);
}

TEST_CASE("Broker statistics give the brokers up and the consumer lag") {
  const char* json = R"({
    "name": "rdkafka#consumer-1", "type": "consumer",
    "brokers": {
      "127.0.0.1:19092/bootstrap": {"nodeid": -1, "state": "UP"},
      "127.0.0.1:19092/1": {"nodeid": 1, "state": "UP"},
      "127.0.0.1:19093/2": {"nodeid": 2, "state": "DOWN"},
      "GroupCoordinator": {"nodeid": -1, "state": "UP"}},
    "topics": {"payments": {"partitions": {
      "0": {"partition": 0, "consumer_lag": 120, "desired": true, "hi_offset": 1000,
            "ls_offset": 1000, "app_offset": 990, "next_offset": 1000},
      "1": {"partition": 1, "consumer_lag": -1, "desired": true, "hi_offset": 500,
            "ls_offset": -1001, "app_offset": -1001, "next_offset": 480},
      "-1": {"partition": -1, "consumer_lag": 5000}}},
      "refunds": {"partitions": {
      "0": {"partition": 0, "desired": false, "hi_offset": 70, "ls_offset": 70, "app_offset": 10},
      "1": {"partition": 1, "desired": true, "hi_offset": 70, "ls_offset": 70,
            "app_offset": 70}}}}})";
  const auto stats = parse_broker_stats(json);
  REQUIRE(stats);
  CHECK(stats->brokers_up == 1);
  CHECK(stats->consumer_lag == 120);
  // Not yet handed to driftd: 10 fetched and queued on partition 0, 20 not
  // fetched on partition 1 (nothing delivered from it yet); refunds' only
  // assigned partition is read to its end.
  CHECK(stats->unread == std::map<std::string, int64_t>{{"payments", 30}});
  CHECK_FALSE(parse_broker_stats("not json"));
  CHECK_FALSE(parse_broker_stats("[1, 2]"));
  CHECK_FALSE(parse_broker_stats(R"({"brokers": {"b": {"nodeid": "one", "state": "UP"}}})"));
}

}  // namespace
}  // namespace driftd::kafka
