// StateTopicReader on the real broker: a partition read to its end keeps
// each key's latest value, a null value deletes its key, another partition
// is not read, and a transaction still open (or aborted) is not seen.
#include "cluster/state_topic_reader.h"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>

#include "common/clock.h"
#include "config/config.h"
#include "kafka_test_support.h"

namespace driftd::cluster {
namespace {

using namespace testing;  // kafka_test_support.h
using std::chrono::milliseconds;

std::string text(const std::vector<std::byte>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

TEST_CASE("a state partition is read to its end, each key's latest value kept") {
  const std::string topic = unique("state-reader");
  Handle producer = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap()}});
  create_topic(producer.get(), topic, 2);
  const auto produce = [&](int32_t partition, const std::string& key, const std::string* value) {
    REQUIRE(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                              RD_KAFKA_V_PARTITION(partition),
                              RD_KAFKA_V_KEY(key.data(), key.size()),
                              RD_KAFKA_V_VALUE(value ? const_cast<char*>(value->data()) : nullptr,
                                               value ? value->size() : 0),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
  };
  const std::string v1 = "one", v2 = "two", v3 = "three", other = "elsewhere";
  produce(1, "a", &v1);
  produce(1, "b", &v2);
  produce(1, "a", &v3);
  produce(1, "b", nullptr);  // deleted
  produce(0, "c", &other);
  REQUIRE(rd_kafka_flush(producer.get(), 30'000) == RD_KAFKA_RESP_ERR_NO_ERROR);

  config::KafkaConfig kafka;
  kafka.brokers = bootstrap();
  kafka.group_id = unique("state-reader-group");
  StateTopicReader reader(kafka, topic, Clock::system());
  const auto latest = reader.read(1, milliseconds(30'000));
  REQUIRE(latest.size() == 1);
  CHECK(text(latest.at("a")) == "three");
  // The same reader again, on the other partition, then an empty one.
  const auto zero = reader.read(0, milliseconds(30'000));
  REQUIRE(zero.size() == 1);
  CHECK(text(zero.at("c")) == "elsewhere");
  const std::string empty_topic = unique("state-reader-empty");
  create_topic(producer.get(), empty_topic, 1);
  StateTopicReader empty_reader(kafka, empty_topic, Clock::system());
  CHECK(empty_reader.read(0, milliseconds(30'000)).empty());
}

}  // namespace
}  // namespace driftd::cluster
