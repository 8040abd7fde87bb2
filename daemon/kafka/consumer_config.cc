#include "kafka/consumer_config.h"

#include <string>

#include "config/config_error.h"

namespace driftd::kafka {
void set_conf(rd_kafka_conf_t* conf, const std::string& key, const std::string& value,
              const std::string& path) {
  char error[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof error) !=
      RD_KAFKA_CONF_OK) {
    throw config::ConfigError(path, error);
  }
}

const char* default_assignment_strategy() {
  // librdkafka before 2.3.0 aborts in rd_kafka_destroy() when a
  // cooperative-sticky consumer is destroyed after joining its group but
  // before its first assignment (confluentinc/librdkafka#4312, fixed by
  // #4381): a shutdown or reload at the wrong moment would crash driftd.
  constexpr int kFixedIn = 0x020300ff;
  return rd_kafka_version() >= kFixedIn ? "cooperative-sticky" : "roundrobin";
}

ConfPtr make_consumer_config(const config::KafkaConfig& kafka,
                             const std::optional<std::string>& instance_id) {
  ConfPtr conf(rd_kafka_conf_new());
  const std::pair<const char*, const char*> defaults[] = {
      {"partition.assignment.strategy", default_assignment_strategy()},
      {"auto.offset.reset", "earliest"},
      {"statistics.interval.ms", "1000"},
      {"enable.partition.eof", "false"},
      // librdkafka 2.0 pauses a partition's fetches for a whole
      // fetch.queue.backoff (1 s) whenever its local queue reaches this many
      // messages; at the default (100000) a consumer reading a backlog waits
      // most of the time (librdkafka #2879). Memory stays bounded by
      // queued.max.messages.kbytes (64 MiB per partition by default).
      {"queued.min.messages", "1000000"},
  };
  for (const auto& [key, value] : defaults) set_conf(conf.get(), key, value, "kafka");
  for (const auto& [key, value] : kafka.properties) {
    set_conf(conf.get(), key, value, config::append_key("kafka.properties", key));
  }
  if (instance_id && !kafka.properties.contains("group.instance.id")) {
    set_conf(conf.get(), "group.instance.id", *instance_id, "kafka.instance_id");
  }
  set_conf(conf.get(), "bootstrap.servers", kafka.brokers, "kafka.brokers");
  set_conf(conf.get(), "group.id", kafka.group_id, "kafka.group_id");
  set_conf(conf.get(), "enable.auto.commit", "false", "kafka");
  set_conf(conf.get(), "enable.auto.offset.store", "false", "kafka");
  return conf;
}

}  // namespace driftd::kafka
