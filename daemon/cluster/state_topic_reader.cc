#include "cluster/state_topic_reader.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <librdkafka/rdkafka.h>

#include "cluster/internal_topic_consumer.h"
#include "kafka/rdkafka_owned.h"

namespace driftd::cluster {

StateTopicReader::StateTopicReader(const config::KafkaConfig& kafka, std::string topic,
                                   const Clock& clock)
    : topic_(std::move(topic)), client_log_("state topic " + topic_ + ": ", {topic_}, clock) {
  consumer_ = make_internal_topic_consumer(kafka, client_log_, "state topic reader");
}

StateTopicReader::~StateTopicReader() = default;

std::map<std::string, std::vector<std::byte>> StateTopicReader::read(
    int32_t partition, std::chrono::milliseconds timeout) {
  rd_kafka_t* consumer = consumer_.get();
  const kafka::PartitionList assignment(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(assignment.get(), topic_.c_str(), partition)->offset =
      RD_KAFKA_OFFSET_BEGINNING;
  if (const rd_kafka_resp_err_t failed = rd_kafka_assign(consumer, assignment.get())) {
    throw std::runtime_error("state topic " + topic_ + ": assigning partition " +
                             std::to_string(partition) + ": " + rd_kafka_err2str(failed));
  }
  struct Unassign {
    rd_kafka_t* consumer;
    ~Unassign() { rd_kafka_assign(consumer, nullptr); }
  } unassign{consumer};

  std::map<std::string, std::vector<std::byte>> latest;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      throw std::runtime_error("state topic " + topic_ + ": partition " +
                               std::to_string(partition) + " not read to its end within " +
                               std::to_string(timeout.count()) + " ms");
    }
    rd_kafka_message_t* message =
        rd_kafka_consumer_poll(consumer, static_cast<int>(std::min<int64_t>(left.count(), 100)));
    if (message == nullptr) continue;
    const kafka::Message owned(message);
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (message->partition == partition) return latest;
      continue;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      client_log_.report(rd_kafka_message_errstr(message));
      continue;
    }
    std::string key;
    if (message->key != nullptr) key.assign(static_cast<const char*>(message->key), message->key_len);
    if (message->payload == nullptr) {
      latest.erase(key);
      continue;
    }
    const auto* value = static_cast<const std::byte*>(message->payload);
    latest[std::move(key)].assign(value, value + message->len);
  }
}

}  // namespace driftd::cluster
