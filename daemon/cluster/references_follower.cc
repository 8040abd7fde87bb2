#include "cluster/references_follower.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <librdkafka/rdkafka.h>

#include "cluster/internal_topic_consumer.h"
#include "kafka/rdkafka_owned.h"

namespace driftd::cluster {

ReferencesFollower::ReferencesFollower(const config::KafkaConfig& kafka, std::string topic,
                                       const Clock& clock)
    : topic_(std::move(topic)), client_log_("references topic " + topic_ + ": ", {topic_}, clock) {
  consumer_ = make_internal_topic_consumer(kafka, client_log_, "references follower");
  const kafka::PartitionList assignment(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(assignment.get(), topic_.c_str(), 0)->offset =
      RD_KAFKA_OFFSET_BEGINNING;
  if (const rd_kafka_resp_err_t failed = rd_kafka_assign(consumer_.get(), assignment.get())) {
    throw std::runtime_error("references topic " + topic_ + ": assigning: " +
                             rd_kafka_err2str(failed));
  }
}

ReferencesFollower::~ReferencesFollower() = default;

bool ReferencesFollower::poll_one(std::chrono::milliseconds wait, std::vector<KeyedRecord>& out,
                                  bool& got) {
  got = false;
  rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_.get(), static_cast<int>(wait.count()));
  if (message == nullptr) return false;
  got = true;
  const kafka::Message owned(message);
  if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return true;
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    client_log_.report(rd_kafka_message_errstr(message));
    return false;
  }
  KeyedRecord& record = out.emplace_back();
  if (message->key != nullptr) {
    record.key.assign(static_cast<const char*>(message->key), message->key_len);
  }
  if (message->payload != nullptr) {
    const auto* value = static_cast<const std::byte*>(message->payload);
    record.value.assign(value, value + message->len);
  }
  return false;
}

std::vector<KeyedRecord> ReferencesFollower::read_to_end(std::chrono::milliseconds timeout) {
  std::vector<KeyedRecord>& out = read_before_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      throw std::runtime_error("references topic " + topic_ + " not read to its end within " +
                               std::to_string(timeout.count()) + " ms");
    }
    bool got = false;
    if (poll_one(std::min(left, std::chrono::milliseconds(100)), out, got)) {
      return std::exchange(read_before_, {});
    }
  }
}

std::vector<KeyedRecord> ReferencesFollower::poll(std::chrono::milliseconds wait) {
  std::vector<KeyedRecord> out;
  bool got = true;
  for (bool first = true; got; first = false) {
    poll_one(first ? wait : std::chrono::milliseconds(0), out, got);
  }
  return out;
}

}  // namespace driftd::cluster
