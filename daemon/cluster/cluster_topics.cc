#include "cluster/cluster_topics.h"

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "kafka/producer_config.h"

namespace driftd::cluster {
namespace {

struct HandleDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

Handle admin_client(const config::KafkaConfig& kafka) {
  kafka::ConfPtr conf = kafka::make_producer_config(kafka, std::nullopt);
  char error[512];
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error, sizeof error);
  if (handle == nullptr) throw std::runtime_error(std::string("cluster topics: ") + error);
  conf.release();  // rd_kafka_new() took it
  return Handle(handle);
}

struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* metadata) const { rd_kafka_metadata_destroy(metadata); }
};

// Partition counts of the topics that exist among `topics` (absent: missing).
std::map<std::string, int32_t> existing(rd_kafka_t* client, const std::vector<std::string>& topics,
                                        std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  if (const rd_kafka_resp_err_t failed =
          rd_kafka_metadata(client, 1, nullptr, &raw, static_cast<int>(timeout.count()))) {
    throw std::runtime_error(std::string("cluster topics: reading the broker's metadata: ") +
                             rd_kafka_err2str(failed));
  }
  const std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> metadata(raw);
  std::map<std::string, int32_t> out;
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[t];
    if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    for (const std::string& name : topics) {
      if (name == topic.topic) out[name] = topic.partition_cnt;
    }
  }
  return out;
}

struct Wanted {
  std::string name;
  int32_t partitions;
  std::vector<std::pair<std::string, std::string>> settings;  // topic configuration
};

void create(rd_kafka_t* client, const std::vector<Wanted>& topics, int32_t replication_factor,
            std::chrono::milliseconds timeout) {
  std::vector<rd_kafka_NewTopic_t*> news;
  struct Destroy {
    std::vector<rd_kafka_NewTopic_t*>& news;
    ~Destroy() { rd_kafka_NewTopic_destroy_array(news.data(), news.size()); }
  } destroy{news};
  char error[512];
  for (const Wanted& topic : topics) {
    rd_kafka_NewTopic_t* made = rd_kafka_NewTopic_new(topic.name.c_str(), topic.partitions,
                                                      replication_factor, error, sizeof error);
    if (made == nullptr) throw std::runtime_error("cluster topic " + topic.name + ": " + error);
    news.push_back(made);
    for (const auto& [key, value] : topic.settings) {
      rd_kafka_NewTopic_set_config(made, key.c_str(), value.c_str());
    }
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client);
  const std::unique_ptr<rd_kafka_queue_t, void (*)(rd_kafka_queue_t*)> owned_queue(
      queue, rd_kafka_queue_destroy);
  rd_kafka_CreateTopics(client, news.data(), news.size(), nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()));
  if (event == nullptr) throw std::runtime_error("cluster topics: the broker did not answer in time");
  const std::unique_ptr<rd_kafka_event_t, void (*)(rd_kafka_event_t*)> owned_event(
      event, rd_kafka_event_destroy);
  if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error(std::string("cluster topics: ") + rd_kafka_event_error_string(event));
  }
  std::size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
  for (std::size_t i = 0; i < count; ++i) {
    const rd_kafka_resp_err_t failed = rd_kafka_topic_result_error(results[i]);
    // Another instance starting at the same time made it first.
    if (failed == RD_KAFKA_RESP_ERR_NO_ERROR || failed == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      std::fprintf(stderr, "driftd: cluster: topic %s ready\n", rd_kafka_topic_result_name(results[i]));
      continue;
    }
    throw std::runtime_error(std::string("cluster topic ") + rd_kafka_topic_result_name(results[i]) +
                             ": " + rd_kafka_topic_result_error_string(results[i]));
  }
}

}  // namespace

void ensure_cluster_topics(const config::KafkaConfig& kafka, const config::ClusterConfig& cluster,
                           std::chrono::milliseconds timeout) {
  const auto partitions = static_cast<int32_t>(cluster.topic_partitions);
  const std::pair<std::string, std::string> compacted{"cleanup.policy", "compact"};
  // The results are every instance's history: kept as long as asked, by
  // default for ever (-1), not the broker's default retention (7 days).
  const std::pair<std::string, std::string> results_retention{
      "retention.ms", cluster.results_retention
                          ? std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               *cluster.results_retention)
                                               .count())
                          : "-1"};
  const std::vector<Wanted> wanted = {{cluster.partials_topic, partitions, {}},
                                      {cluster.state_topic, partitions, {compacted}},
                                      {cluster.results_topic, 1, {results_retention}},
                                      {cluster.references_topic, 1, {compacted}}};
  std::vector<std::string> names;
  for (const Wanted& topic : wanted) names.push_back(topic.name);
  const Handle client = admin_client(kafka);
  std::map<std::string, int32_t> found = existing(client.get(), names, timeout);
  std::vector<Wanted> missing;
  for (const Wanted& topic : wanted) {
    if (!found.contains(topic.name)) missing.push_back(topic);
  }
  if (!missing.empty()) {
    create(client.get(), missing, cluster.replication_factor, timeout);
    // The broker's metadata shows a new topic a moment after it is made.
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    do {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      found = existing(client.get(), names, timeout);
    } while (found.size() < wanted.size() && std::chrono::steady_clock::now() < give_up);
  }
  for (const Wanted& topic : wanted) {
    if (!found.contains(topic.name)) {
      throw std::runtime_error("cluster topic " + topic.name + " does not exist after creating it");
    }
  }
  if (found[cluster.state_topic] != found[cluster.partials_topic]) {
    throw std::runtime_error("cluster topic " + cluster.state_topic + " has " +
                             std::to_string(found[cluster.state_topic]) +
                             " partitions, the partials topic " + cluster.partials_topic + " " +
                             std::to_string(found[cluster.partials_topic]) +
                             ": a stream's state lives in the partition number of its partials");
  }
  if (found[cluster.results_topic] != 1) {
    throw std::runtime_error("cluster topic " + cluster.results_topic + " has " +
                             std::to_string(found[cluster.results_topic]) +
                             " partitions; the results topic must have one (its offsets number "
                             "the alert events)");
  }
}

std::map<std::string, int32_t> partition_counts(const config::KafkaConfig& kafka,
                                                const std::vector<std::string>& topics,
                                                std::chrono::milliseconds timeout) {
  const Handle client = admin_client(kafka);
  std::map<std::string, int32_t> found = existing(client.get(), topics, timeout);
  for (const std::string& topic : topics) {
    if (!found.contains(topic)) {
      throw std::runtime_error("source topic " + topic +
                               " does not exist: a stream's owner needs its partition count");
    }
  }
  return found;
}

}  // namespace driftd::cluster
