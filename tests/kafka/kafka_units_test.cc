// The Kafka source's bookkeeping, without a broker: stream positions,
// partition event-time alignment, librdkafka statistics.
#include <cstdint>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

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
  CHECK(positions.take(1, 0));
  CHECK(positions.take(7, 3));         // a partition added to the topic
  CHECK(positions.snapshot() == std::vector<SourcePosition>{{"payments", 0, 16},
                                                            {"payments", 1, 1},
                                                            {"payments", 2, 5},
                                                            {"payments", 7, 4}});
}

TEST_CASE("A partition still behind limits how far the others raise the watermark") {
  PartitionTimes times;
  const std::vector<int32_t> assigned{0, 1, 2};
  const auto all_behind = [](int32_t) { return true; };
  constexpr int64_t kNever = std::numeric_limits<int64_t>::min();
  // Partition 2 was never read: nothing may close yet.
  times.advance(0, 5000);
  times.advance(1, 3000);
  CHECK(times.limit_for(0, assigned, all_behind) == kNever);
  times.advance(2, 4000);
  CHECK(times.limit_for(0, assigned, all_behind) == 3000);
  CHECK(times.limit_for(1, assigned, all_behind) == 4000);
  // Times never go back.
  times.advance(1, 1000);
  CHECK(times.latest_of(1) == 3000);
  // A partition with nothing left to read cannot hold time back.
  const auto only_two_behind = [](int32_t partition) { return partition == 2; };
  CHECK(times.limit_for(0, assigned, only_two_behind) == 4000);
  CHECK_FALSE(times.limit_for(2, assigned, only_two_behind).has_value());
  // Only the partitions owned now count.
  CHECK_FALSE(times.limit_for(0, std::vector<int32_t>{0}, all_behind).has_value());
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
      "0": {"partition": 0, "consumer_lag": 120},
      "1": {"partition": 1, "consumer_lag": -1},
      "-1": {"partition": -1, "consumer_lag": 5000}}}}})";
  const auto stats = parse_broker_stats(json);
  REQUIRE(stats);
  CHECK(stats->brokers_up == 1);
  CHECK(stats->consumer_lag == 120);
  CHECK_FALSE(parse_broker_stats("not json"));
  CHECK_FALSE(parse_broker_stats("[1, 2]"));
  CHECK_FALSE(parse_broker_stats(R"({"brokers": {"b": {"nodeid": "one", "state": "UP"}}})"));
}

}  // namespace
}  // namespace driftd::kafka
