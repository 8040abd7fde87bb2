// What the tests of cluster mode against the real broker (scripts/kafka)
// share: the broker's address, unique names, plain librdkafka clients, topic
// creation, a topic's configuration, deleting records (as retention does)
// and a read_committed reader.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>

namespace driftd::cluster::testing {

using Steady = std::chrono::steady_clock;

inline std::string bootstrap() {
  const char* servers = std::getenv("DRIFTD_KAFKA_BOOTSTRAP");
  return servers != nullptr ? servers : "127.0.0.1:19092";
}

inline std::string unique(const std::string& base) {
  return base + "-" + std::to_string(getpid()) + "-" +
         std::to_string(Steady::now().time_since_epoch().count() % 1'000'000'007);
}

struct HandleDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

inline Handle make_client(rd_kafka_type_t type, const std::vector<std::pair<std::string, std::string>>& properties) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  for (const auto& [key, value] : properties) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(error);
    }
  }
  rd_kafka_t* handle = rd_kafka_new(type, conf, error, sizeof error);
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(error);
  }
  return Handle(handle);
}

inline void create_topic(rd_kafka_t* client, const std::string& name, int partitions = 1) {
  char error[512];
  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(name.c_str(), partitions, 1, error, sizeof error);
  REQUIRE(topic != nullptr);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client);
  rd_kafka_CreateTopics(client, &topic, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 60'000);
  REQUIRE(event != nullptr);
  std::size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
  REQUIRE(count == 1);
  CHECK(rd_kafka_topic_result_error(results[0]) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(topic);
}

// One admin request's result event from `queue`, which the caller destroys.
inline rd_kafka_event_t* admin_result(rd_kafka_queue_t* queue) {
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 60'000);
  REQUIRE(event != nullptr);
  REQUIRE(rd_kafka_event_error(event) == RD_KAFKA_RESP_ERR_NO_ERROR);
  return event;
}

// The value of `key` in `topic`'s configuration, as the broker describes it.
inline std::string topic_config(rd_kafka_t* client, const std::string& topic, const std::string& key) {
  rd_kafka_ConfigResource_t* resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client);
  rd_kafka_DescribeConfigs(client, &resource, 1, nullptr, queue);
  rd_kafka_event_t* event = admin_result(queue);
  std::size_t resources = 0;
  const rd_kafka_ConfigResource_t** described = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(event), &resources);
  REQUIRE(resources == 1);
  std::size_t entries = 0;
  const rd_kafka_ConfigEntry_t** configs = rd_kafka_ConfigResource_configs(described[0], &entries);
  std::string value = "(absent)";
  for (std::size_t i = 0; i < entries; ++i) {
    if (key == rd_kafka_ConfigEntry_name(configs[i])) {
      const char* found = rd_kafka_ConfigEntry_value(configs[i]);
      value = found != nullptr ? found : "(null)";
    }
  }
  rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_ConfigResource_destroy(resource);
  return value;
}

// Deletes partition 0 of `topic` before `offset`, as its retention would:
// `offset` becomes the partition's first.
inline void delete_records_before(rd_kafka_t* client, const std::string& topic, int64_t offset) {
  rd_kafka_topic_partition_list_t* before = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(before, topic.c_str(), 0)->offset = offset;
  rd_kafka_DeleteRecords_t* request = rd_kafka_DeleteRecords_new(before);
  rd_kafka_topic_partition_list_destroy(before);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client);
  rd_kafka_DeleteRecords(client, &request, 1, nullptr, queue);
  rd_kafka_event_t* event = admin_result(queue);
  const rd_kafka_topic_partition_list_t* result =
      rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(event));
  REQUIRE(result->cnt == 1);
  CHECK(result->elems[0].err == RD_KAFKA_RESP_ERR_NO_ERROR);
  CHECK(result->elems[0].offset == offset);  // the new low watermark
  rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_DeleteRecords_destroy(request);
}

// The values a read_committed reader finds in partition 0 of `topic`, read
// until `expected` arrived and a second passed without more (or 30 s).
inline std::vector<std::string> read_committed(const std::string& topic, std::size_t expected) {
  Handle reader = make_client(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstrap()},
                                                  {"group.id", unique("reader")},
                                                  {"isolation.level", "read_committed"},
                                                  {"enable.auto.commit", "false"}});
  rd_kafka_topic_partition_list_t* partitions = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(partitions, topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  REQUIRE(rd_kafka_assign(reader.get(), partitions) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(partitions);
  std::vector<std::string> values;
  const Steady::time_point give_up = Steady::now() + std::chrono::seconds(30);
  Steady::time_point quiet_until = Steady::time_point::max();
  while (Steady::now() < give_up && Steady::now() < quiet_until) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(reader.get(), 100);
    if (message == nullptr) continue;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      values.emplace_back(static_cast<const char*>(message->payload), message->len);
    }
    rd_kafka_message_destroy(message);
    if (values.size() >= expected && quiet_until == Steady::time_point::max()) {
      quiet_until = Steady::now() + std::chrono::seconds(1);
    }
  }
  rd_kafka_consumer_close(reader.get());
  return values;
}

}  // namespace driftd::cluster::testing
