// The Kafka topics cluster mode works on, as an instance finds or makes them
// at start: the internal topics (created when missing, as
// docs/architecture.md's "Cluster mode" table says: the partials and the
// compacted state topic with cluster.topic_partitions partitions each, the
// results topic with one partition and cluster.results_retention, for ever
// by default, the compacted references topic with one) and the partition
// count of each source topic, which a stream's owner needs to know when
// every partition has passed a window.
//
// Guarantees: ensure_cluster_topics() returns only once every internal
// topic exists with the layout cluster mode depends on; it throws
// std::runtime_error naming the topic otherwise (a state topic with another
// partition count than the partials topic, a results topic with more than
// one partition: their records are placed by partition number), or when
// the broker does not answer within `timeout`.
//
// Thread safety: plain functions; each call makes its own client.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/config.h"

namespace driftd::cluster {

void ensure_cluster_topics(const config::KafkaConfig& kafka, const config::ClusterConfig& cluster,
                           std::chrono::milliseconds timeout);

// The partition count of each of `topics`. Throws std::runtime_error when a
// topic does not exist or the broker does not answer within `timeout`.
std::map<std::string, int32_t> partition_counts(const config::KafkaConfig& kafka,
                                                const std::vector<std::string>& topics,
                                                std::chrono::milliseconds timeout);

}  // namespace driftd::cluster
