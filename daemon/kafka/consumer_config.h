// The librdkafka configuration of driftd's consumer: the user's
// `kafka.properties` first, then what driftd needs for its reliability
// protocol, which the user cannot change:
//   bootstrap.servers, group.id       from kafka.brokers / kafka.group_id
//   group.instance.id                 the id given (kafka/instance_id.h), unless
//                                     kafka.properties sets one (which wins)
//   enable.auto.commit=false          offsets are committed only after the
//   enable.auto.offset.store=false    windows they cover are in SQLite
// and defaults the user may override:
//   partition.assignment.strategy=cooperative-sticky with librdkafka >= 2.3,
//                                 roundrobin before (default_assignment_strategy)
//   auto.offset.reset=earliest        (a new group reads the topic from the start)
//   statistics.interval.ms=1000       (broker state and consumer lag)
//   enable.partition.eof=false
//   queued.min.messages=1000000       (librdkafka 2.0 stalls a backlog below it)
//
// Guarantees: make_consumer_config throws config::ConfigError naming
// `kafka.properties.<key>` and librdkafka's reason for a property librdkafka
// refuses, so a typo fails at start with exit 78, not at the first poll.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <librdkafka/rdkafka.h>

#include "config/config.h"

namespace driftd::kafka {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

// Sets one librdkafka property, or throws config::ConfigError naming `path`
// with librdkafka's reason.
void set_conf(rd_kafka_conf_t* conf, const std::string& key, const std::string& value,
              const std::string& path);

// `instance_id`: the group.instance.id (static membership); nullopt:
// dynamic membership, unless kafka.properties sets one.
ConfPtr make_consumer_config(const config::KafkaConfig& kafka,
                             const std::optional<std::string>& instance_id);

// cooperative-sticky where the linked librdkafka can shut it down safely
// (2.3.0 and later), else the eager roundrobin assignor.
const char* default_assignment_strategy();

}  // namespace driftd::kafka
