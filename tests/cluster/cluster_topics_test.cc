// The internal topics as driftd makes them, on the real broker: the
// partition counts and the settings cluster mode depends on (compacted state
// and references, the results kept for ever or for cluster.results_retention),
// and a topic that exists already left as it is.
#include "cluster/cluster_topics.h"

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kafka_test_support.h"

namespace driftd::cluster {
namespace {

using namespace testing;  // kafka_test_support.h
using std::chrono::seconds;

config::ClusterConfig cluster_named(const std::string& base) {
  config::ClusterConfig cluster;
  cluster.partials_topic = unique(base + ".partials");
  cluster.results_topic = unique(base + ".results");
  cluster.references_topic = unique(base + ".references");
  cluster.state_topic = unique(base + ".state");
  cluster.topic_partitions = 3;
  return cluster;
}

TEST_CASE("the internal topics are made with the partitions and settings cluster mode needs") {
  config::KafkaConfig kafka;
  kafka.brokers = bootstrap();
  kafka.group_id = unique("topics");
  const Handle admin = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstrap()}});

  const config::ClusterConfig cluster = cluster_named("kept");
  ensure_cluster_topics(kafka, cluster, seconds(30));
  CHECK(partition_counts(kafka,
                         {cluster.partials_topic, cluster.state_topic, cluster.results_topic,
                          cluster.references_topic},
                         seconds(30)) ==
        std::map<std::string, int32_t>{{cluster.partials_topic, 3},
                                       {cluster.state_topic, 3},
                                       {cluster.results_topic, 1},
                                       {cluster.references_topic, 1}});
  CHECK(topic_config(admin.get(), cluster.state_topic, "cleanup.policy") == "compact");
  CHECK(topic_config(admin.get(), cluster.references_topic, "cleanup.policy") == "compact");
  CHECK(topic_config(admin.get(), cluster.partials_topic, "cleanup.policy") == "delete");
  CHECK(topic_config(admin.get(), cluster.results_topic, "cleanup.policy") == "delete");
  // Every instance's history: not the broker's 7 days.
  CHECK(topic_config(admin.get(), cluster.results_topic, "retention.ms") == "-1");

  config::ClusterConfig limited = cluster_named("limited");
  limited.results_retention = std::chrono::hours(36);
  ensure_cluster_topics(kafka, limited, seconds(30));
  CHECK(topic_config(admin.get(), limited.results_topic, "retention.ms") == "129600000");

  // Topics that exist are the operator's: found, not changed.
  config::ClusterConfig again = cluster;
  again.results_retention = std::chrono::hours(1);
  ensure_cluster_topics(kafka, again, seconds(30));
  CHECK(topic_config(admin.get(), cluster.results_topic, "retention.ms") == "-1");
}

}  // namespace
}  // namespace driftd::cluster
