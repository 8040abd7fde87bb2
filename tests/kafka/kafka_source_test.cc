// The Kafka source against librdkafka's mock cluster, for what a real broker
// cannot easily be made to do: go down and come back, fail requests. The
// test thread plays the window manager (pause, poll, positions, durable).
// The real-broker end-to-end test is kafka_end_to_end_test.py.
#include "kafka/kafka_source.h"

#include <chrono>
#include <functional>
#include <numeric>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "config/config_error.h"
#include "config/config_parser.h"

namespace driftd::kafka {
namespace {

constexpr int kFetch = 1;         // Kafka API keys
constexpr int kOffsetCommit = 8;

// A mock cluster of one broker, created through a producer that also feeds it.
class MockKafka {
 public:
  MockKafka() {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char error[512];
    rd_kafka_conf_set(conf, "message.timeout.ms", "120000", error, sizeof error);
    // The producer creates the mock cluster and talks to it.
    REQUIRE(rd_kafka_conf_set(conf, "test.mock.num.brokers", "1", error, sizeof error) ==
            RD_KAFKA_CONF_OK);
    producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    REQUIRE(producer_ != nullptr);
    cluster_ = rd_kafka_handle_mock_cluster(producer_);
    REQUIRE(cluster_ != nullptr);
  }
  ~MockKafka() {
    rd_kafka_flush(producer_, 10000);
    rd_kafka_destroy(producer_);  // and its mock cluster
  }

  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }
  rd_kafka_mock_cluster_t* cluster() { return cluster_; }

  void create_topic(const std::string& topic, int partitions) {
    REQUIRE(rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1) ==
            RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  // Events {"x": i} for i in [first, first + count), event i on partition i % partitions.
  void produce(const std::string& topic, int partitions, int first, int count) {
    for (int i = first; i < first + count; ++i) {
      const std::string value = "{\"x\": " + std::to_string(i % 97) + "}";
      REQUIRE(rd_kafka_producev(producer_, RD_KAFKA_V_TOPIC(topic.c_str()),
                                RD_KAFKA_V_PARTITION(i % partitions),
                                RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
    }
  }
  // {"x": value} with the message timestamp `timestamp_ms`, on partition 0.
  void produce_at(const std::string& topic, int64_t timestamp_ms, int value) {
    const std::string json = "{\"x\": " + std::to_string(value) + "}";
    REQUIRE(rd_kafka_producev(producer_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
                              RD_KAFKA_V_VALUE(const_cast<char*>(json.data()), json.size()),
                              RD_KAFKA_V_TIMESTAMP(timestamp_ms),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  void flush() { REQUIRE(rd_kafka_flush(producer_, 60000) == RD_KAFKA_RESP_ERR_NO_ERROR); }

 private:
  rd_kafka_t* producer_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

// `kafka_fields`: more fields of the kafka object, each followed by a comma.
config::Config daemon_config(const std::string& bootstraps, const std::string& group,
                             const std::string& streams, const std::string& kafka_fields = "") {
  return config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "kafka": {)" + kafka_fields + R"("brokers": ")" + bootstraps + R"(", "group_id": ")" + group + R"(",
              "properties": {"reconnect.backoff.max.ms": "500",
                             "topic.metadata.refresh.interval.ms": "1000"}},
    "streams": [)" + streams + "]}");
}

std::string stream_json(const std::string& name, const std::string& topic) {
  return R"({"name": ")" + name + R"(", "source": {"type": "kafka", "topic": ")" + topic +
         R"("}, "window": {"type": "count", "events": 100},
         "reference": {"type": "capture", "events": 100},
         "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 8}]})";
}

bool wait_until(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

int64_t total(const std::vector<SourcePosition>& positions) {
  return std::accumulate(positions.begin(), positions.end(), int64_t{0},
                         [](int64_t sum, const SourcePosition& p) { return sum + p.next_offset; });
}

// Window-manager side: closes the due windows, returns the events in them.
uint64_t close_windows(StreamRuntime& stream) {
  uint64_t events = 0;
  stream.take_new_references();
  stream.poll(0, [&](const WindowEvaluation& window, uint64_t) {
    events += window.features[0].n + window.features[0].missing + window.features[0].invalid;
  });
  return events;
}

TEST_CASE("A broker outage makes the source degraded and it catches up without loss") {
  MockKafka kafka;
  kafka.create_topic("events", 2);
  const config::Config config =
      daemon_config(kafka.bootstraps(), "outage", stream_json("s", "events"));
  StreamRuntime stream(config.streams[0], 1);
  KafkaSource source(*config.kafka, {&stream}, 0);
  source.start();

  kafka.produce("events", 2, 0, 600);
  kafka.flush();
  REQUIRE(wait_until([&] { return source.counters().messages.load() == 600; },
                     std::chrono::seconds(60)));
  CHECK_FALSE(source.problem());

  rd_kafka_mock_broker_set_down(kafka.cluster(), 1);
  REQUIRE(wait_until([&] { return source.problem().has_value(); }, std::chrono::seconds(60)));
  CHECK(source.problem()->find("no Kafka broker reachable") != std::string::npos);
  kafka.produce("events", 2, 600, 400);  // queued by the producer meanwhile

  rd_kafka_mock_broker_set_up(kafka.cluster(), 1);
  kafka.flush();
  REQUIRE(wait_until([&] { return source.counters().messages.load() == 1000; },
                     std::chrono::seconds(60)));
  REQUIRE(wait_until([&] { return !source.problem(); }, std::chrono::seconds(60)));

  uint64_t in_windows = 0;
  std::vector<SourcePosition> positions;
  {
    const KafkaSource::Pause paused = source.pause();
    in_windows = close_windows(stream);
    positions = *source.positions(stream);
  }
  CHECK(total(positions) == 1000);
  CHECK(in_windows == 900);  // 100 captured for the reference, then 9 windows of 100
  CHECK(stream.counters().events.load() == 1000);
  source.stop();
  source.close();
}

TEST_CASE("Failed fetches are retried and failed offset commits are counted") {
  MockKafka kafka;
  kafka.create_topic("flaky", 1);
  const config::Config config =
      daemon_config(kafka.bootstraps(), "flaky", stream_json("s", "flaky"));
  StreamRuntime stream(config.streams[0], 1);
  KafkaSource source(*config.kafka, {&stream}, 0);
  rd_kafka_mock_push_request_errors(kafka.cluster(), kFetch, 3,
                                    RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                                    RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
  source.start();
  kafka.produce("flaky", 1, 0, 300);
  kafka.flush();
  REQUIRE(wait_until([&] { return source.counters().messages.load() == 300; },
                     std::chrono::seconds(60)));

  // Durable positions go to Kafka; the first commit fails (an error
  // librdkafka does not retry), a later one lands.
  rd_kafka_mock_push_request_errors(kafka.cluster(), kOffsetCommit, 1,
                                    RD_KAFKA_RESP_ERR_OFFSET_METADATA_TOO_LARGE);
  const auto report_durable = [&] {
    std::vector<SourcePosition> positions;
    {
      const KafkaSource::Pause paused = source.pause();
      positions = *source.positions(stream);
    }
    source.durable(stream, positions);
  };
  REQUIRE(wait_until(
      [&] {
        report_durable();
        return source.counters().offset_commits.load() >= 1;
      },
      std::chrono::seconds(60)));
  CHECK(source.counters().offset_commit_failures.load() >= 1);
  CHECK(stream.counters().events.load() == 300);
  source.stop();
  source.close();
}

TEST_CASE("Reading starts at the stored positions and a stream skips what it counted") {
  MockKafka kafka;
  kafka.create_topic("shared", 1);
  const config::Config config = daemon_config(
      kafka.bootstraps(), "restart",
      stream_json("ahead", "shared") + ", " + stream_json("behind", "shared"));
  kafka.produce("shared", 1, 0, 500);
  kafka.flush();
  StreamRuntime ahead(config.streams[0], 1);
  StreamRuntime behind(config.streams[1], 1);
  KafkaSource source(*config.kafka, {&ahead, &behind}, 0);
  const std::vector<SourcePosition> ahead_stored{{"shared", 0, 300}};
  const std::vector<SourcePosition> behind_stored{{"shared", 0, 100}};
  source.restore(ahead, ahead_stored);
  source.restore(behind, behind_stored);
  source.restore(ahead, std::vector<SourcePosition>{{"other-topic", 0, 7}});  // ignored
  source.start();

  // The partition is sought to 100, the smaller position: 400 messages.
  REQUIRE(wait_until([&] { return source.counters().messages.load() == 400; },
                     std::chrono::seconds(60)));
  CHECK(ahead.counters().events.load() == 200);
  CHECK(behind.counters().events.load() == 400);
  {
    const KafkaSource::Pause paused = source.pause();
    CHECK(*source.positions(ahead) == std::vector<SourcePosition>{{"shared", 0, 500}});
    CHECK(*source.positions(behind) == std::vector<SourcePosition>{{"shared", 0, 500}});
  }
  source.stop();
  source.close();
}

TEST_CASE("With kafka_timestamp the message timestamps place events in their windows") {
  MockKafka kafka;
  kafka.create_topic("timed", 1);
  const config::Config config = daemon_config(kafka.bootstraps(), "timed", R"({
      "name": "t", "source": {"type": "kafka", "topic": "timed"},
      "event_time": {"kafka_timestamp": true},
      "window": {"type": "tumbling", "size": "10s"},
      "reference": {"type": "capture", "events": 100},
      "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 8}]})");
  constexpr int64_t kT0 = 1'700'000'000'000;  // a multiple of 10 s
  for (int i = 0; i < 100; ++i) kafka.produce_at("timed", kT0 + i, i);  // the reference
  // 30, 40 and 50 events in the windows at +10 s, +20 s, +30 s; then one at
  // +100 s that moves the watermark past them.
  for (int w = 1; w <= 3; ++w) {
    for (int i = 0; i < 20 + 10 * w; ++i) kafka.produce_at("timed", kT0 + w * 10'000 + i * 100, i);
  }
  kafka.produce_at("timed", kT0 + 100'000, 1);
  kafka.flush();
  StreamRuntime stream(config.streams[0], 1);
  KafkaSource source(*config.kafka, {&stream}, 0);
  source.start();
  REQUIRE(wait_until([&] { return source.counters().messages.load() == 221; },
                     std::chrono::seconds(60)));
  std::vector<std::pair<int64_t, uint64_t>> windows;  // start, n
  {
    const KafkaSource::Pause paused = source.pause();
    stream.take_new_references();
    stream.poll(0, [&](const WindowEvaluation& window, uint64_t) {
      windows.emplace_back(window.bounds.start, window.features[0].n);
    });
  }
  CHECK(windows == std::vector<std::pair<int64_t, uint64_t>>{
                       {kT0 + 10'000, 30}, {kT0 + 20'000, 40}, {kT0 + 30'000, 50}});
  source.stop();
  source.close();
}

// Window-manager side while the source runs: closes the due windows and
// reports the positions durable, every few milliseconds (each a pause of the
// consumer threads), until `done`.
void manage(KafkaSource& source, StreamRuntime& stream, uint64_t& in_windows,
            const std::function<bool()>& done) {
  REQUIRE(wait_until(
      [&] {
        std::vector<SourcePosition> positions;
        {
          const KafkaSource::Pause paused = source.pause();
          in_windows += close_windows(stream);
          positions = *source.positions(stream);
        }
        source.durable(stream, positions);
        return done();
      },
      std::chrono::seconds(60)));
}

TEST_CASE("Consumer threads share the partitions and count each message once, across a rebalance") {
  MockKafka kafka;
  kafka.create_topic("spread", 4);
  config::Config config = daemon_config(kafka.bootstraps(), "spread", stream_json("s", "spread"),
                                        R"("threads": 2, )");
  // The mock group coordinator waits up to a session timeout for the members
  // to rejoin in a rebalance.
  config.kafka->properties["session.timeout.ms"] = "6000";
  config.kafka->properties["heartbeat.interval.ms"] = "500";
  // Writer 0 is someone else's (an HTTP thread): the consumer threads take 1 and 2.
  StreamRuntime stream(config.streams[0], 3);
  KafkaSource source(*config.kafka, {&stream}, 1);
  source.start();
  // Produce once the group has settled on two partitions per thread: a
  // thread that joins late would otherwise find some of the messages read
  // by the other (on a loaded machine the join can take seconds).
  REQUIRE(wait_until(
      [&] {
        const std::vector<ConsumerThreadStatus> threads = source.consumer_threads();
        return threads.size() == 2 && threads[0].partitions == 2 && threads[1].partitions == 2;
      },
      std::chrono::seconds(60)));
  kafka.produce("spread", 4, 0, 4000);
  kafka.flush();
  uint64_t in_windows = 0;
  // A thread counts its messages once its batch is recorded, after the
  // stream counted the batch's events: both before the checks.
  manage(source, stream, in_windows, [&] {
    const std::vector<ConsumerThreadStatus> threads = source.consumer_threads();
    return stream.counters().events.load() == 4000 && threads.size() == 2 &&
           threads[0].messages + threads[1].messages == 4000;
  });
  // Two partitions each, and both threads read theirs.
  const std::vector<ConsumerThreadStatus> threads = source.consumer_threads();
  REQUIRE(threads.size() == 2);
  CHECK(threads[0].partitions == 2);
  CHECK(threads[1].partitions == 2);
  CHECK(threads[0].messages == 2000);
  CHECK(threads[1].messages == 2000);
  {
    const KafkaSource::Pause paused = source.pause();
    CHECK(*source.positions(stream) == std::vector<SourcePosition>{{"spread", 0, 1000},
                                                                   {"spread", 1, 1000},
                                                                   {"spread", 2, 1000},
                                                                   {"spread", 3, 1000}});
  }
  manage(source, stream, in_windows, [&] { return source.counters().offset_commits.load() > 0; });

  // A second member joins: the partitions are dealt again (this member
  // keeps two, routed to its threads anew) and each new message is counted
  // by exactly one of them.
  StreamRuntime other_stream(config.streams[0], 2);
  KafkaSource other(*config.kafka, {&other_stream}, 0);
  const uint64_t rebalances = source.counters().rebalances.load();
  other.start();
  REQUIRE(wait_until([&] { return other.counters().rebalances.load() > 0; },
                     std::chrono::seconds(60)));
  manage(source, stream, in_windows,
         [&] { return source.counters().rebalances.load() >= rebalances + 2; });  // revoke, assign
  kafka.produce("spread", 4, 4000, 2000);
  kafka.flush();
  manage(source, stream, in_windows, [&] {
    return stream.counters().events.load() + other_stream.counters().events.load() == 6000;
  });
  {
    // The last messages may have been counted after the last pass closed
    // windows: one more pass, with every message in.
    const KafkaSource::Pause paused = source.pause();
    in_windows += close_windows(stream);
  }
  CHECK(stream.counters().events.load() == 5000);  // half of the new messages each
  CHECK(other_stream.counters().events.load() == 1000);
  // This member's two partitions, one per thread.
  CHECK(source.consumer_threads()[0].partitions == 1);
  CHECK(source.consumer_threads()[1].partitions == 1);
  CHECK(in_windows == 4900);  // 100 captured for the reference, then windows of 100
  other.stop();
  other.close();
  source.stop();
  source.close();
}

TEST_CASE("A librdkafka property librdkafka refuses is a configuration error naming it") {
  config::Config config = daemon_config("127.0.0.1:9", "g", stream_json("s", "t"));
  config.kafka->properties["fetch.wait.max.ms"] = "not a number";
  StreamRuntime stream(config.streams[0], 1);
  try {
    KafkaSource source(*config.kafka, {&stream}, 0);
    FAIL("the property was accepted");
  } catch (const config::ConfigError& error) {
    CHECK(error.path() == R"(kafka.properties["fetch.wait.max.ms"])");
    CHECK(error.problem().find("fetch.wait.max.ms") != std::string::npos);
  }
}

}  // namespace
}  // namespace driftd::kafka
