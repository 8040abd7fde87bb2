// An instance's cut as one Kafka transaction, against the real broker
// (scripts/kafka): the partials and the source offsets they cover are
// committed together or aborted together, and a newer producer with the same
// transactional.id fences the old one.
#include "cluster/cut_publisher.h"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>

#include "kafka_test_support.h"

namespace driftd::cluster {
namespace {

using namespace testing;  // kafka_test_support.h

using std::chrono::milliseconds;

int64_t committed_offset(rd_kafka_t* consumer, const std::string& topic) {
  rd_kafka_topic_partition_list_t* partitions = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(partitions, topic.c_str(), 0);
  REQUIRE(rd_kafka_committed(consumer, partitions, 10'000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  const int64_t offset = partitions->elems[0].offset;
  rd_kafka_topic_partition_list_destroy(partitions);
  return offset;
}

struct Cut {
  std::vector<std::pair<std::string, std::string>> records;  // key, value
  int64_t next_offset;
};

CutPublisher::Result publish(CutPublisher& publisher, const Cut& cut, const std::string& source,
                             rd_kafka_t* consumer) {
  std::vector<CutPublisher::Record> records;
  for (const auto& [key, value] : cut.records) {
    records.push_back({key, std::as_bytes(std::span(value.data(), value.size()))});
  }
  rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(offsets, source.c_str(), 0)->offset = cut.next_offset;
  rd_kafka_consumer_group_metadata_t* group = rd_kafka_consumer_group_metadata(consumer);
  CutPublisher::Result result = publisher.publish(records, offsets, group, milliseconds(30'000));
  rd_kafka_consumer_group_metadata_destroy(group);
  rd_kafka_topic_partition_list_destroy(offsets);
  return result;
}

TEST_CASE("a cut's partials and source offsets are committed together, aborted together, and fenced") {
  const std::string source = unique("cut-source");
  const std::string partials = unique("cut-partials");
  const std::string group_id = unique("cut-instances");
  {
    Handle admin = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap()}});
    create_topic(admin.get(), source);
    create_topic(admin.get(), partials);
    for (int i = 0; i < 10; ++i) {
      const std::string value = "event-" + std::to_string(i);
      REQUIRE(rd_kafka_producev(admin.get(), RD_KAFKA_V_TOPIC(source.c_str()), RD_KAFKA_V_PARTITION(0),
                                RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    REQUIRE(rd_kafka_flush(admin.get(), 30'000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  // The instance's consumer, a member of its group, reads the 10 events.
  Handle consumer = make_client(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap()},
                                                    {"group.id", group_id},
                                                    {"enable.auto.commit", "false"},
                                                    {"auto.offset.reset", "earliest"}});
  rd_kafka_poll_set_consumer(consumer.get());
  rd_kafka_topic_partition_list_t* subscription = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(subscription, source.c_str(), RD_KAFKA_PARTITION_UA);
  REQUIRE(rd_kafka_subscribe(consumer.get(), subscription) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(subscription);
  int read = 0;
  for (const Steady::time_point give_up = Steady::now() + std::chrono::seconds(60);
       read < 10 && Steady::now() < give_up;) {
    if (rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer.get(), 100)) {
      if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) ++read;
      rd_kafka_message_destroy(message);
    }
  }
  REQUIRE(read == 10);

  config::KafkaConfig kafka;
  kafka.brokers = bootstrap();
  kafka.group_id = group_id;
  const std::string transactional_id = unique("instance-a");
  CutPublisher first(kafka, partials, transactional_id, milliseconds(60'000));

  // Committed: the partials visible, the offsets the group's.
  CutPublisher::Result result =
      publish(first, {{{"payments", "cut-1"}, {"refunds", "cut-1b"}}, 10}, source, consumer.get());
  CHECK(result.outcome == CutPublisher::Outcome::committed);
  CHECK(result.error.empty());
  CHECK(committed_offset(consumer.get(), source) == 10);

  // Aborted: a partial larger than the producer's message.max.bytes is
  // refused; the one produced before it in the same cut is never seen, and
  // the offsets stay.
  result = publish(first, {{{"payments", "cut-2"}, {"payments", std::string(2'000'000, 'x')}}, 12},
                   source, consumer.get());
  CHECK(result.outcome == CutPublisher::Outcome::aborted);
  CHECK_THAT(result.error, Catch::Contains("a record of 2000000 bytes for " + partials + " was refused"));
  CHECK(committed_offset(consumer.get(), source) == 10);
  // The producer goes on after an abort.
  result = publish(first, {{{"payments", "cut-3"}}, 11}, source, consumer.get());
  CHECK(result.outcome == CutPublisher::Outcome::committed);
  CHECK(committed_offset(consumer.get(), source) == 11);

  // Fenced: the instance restarted elsewhere with the same id.
  CutPublisher second(kafka, partials, transactional_id, milliseconds(60'000));
  result = publish(first, {{{"payments", "cut-4"}}, 12}, source, consumer.get());
  CHECK(result.outcome == CutPublisher::Outcome::fenced);
  CHECK_FALSE(result.error.empty());
  CHECK(publish(first, {{{"payments", "cut-4b"}}, 12}, source, consumer.get()).outcome ==
        CutPublisher::Outcome::fenced);
  result = publish(second, {{{"payments", "cut-5"}}, 12}, source, consumer.get());
  CHECK(result.outcome == CutPublisher::Outcome::committed);
  CHECK(committed_offset(consumer.get(), source) == 12);

  CHECK(read_committed(partials, 4) ==
        std::vector<std::string>{"cut-1", "cut-1b", "cut-3", "cut-5"});
  rd_kafka_consumer_close(consumer.get());
}

}  // namespace
}  // namespace driftd::cluster
