#include "kafka/producer_config.h"

#include <string_view>

#include "config/config_error.h"

namespace driftd::kafka {
namespace {

// Properties of a consumer that a producer must not be given (librdkafka
// warns about, or ignores, them).
bool consumer_only(std::string_view key) {
  return key == "auto.offset.reset" || key == "partition.assignment.strategy" ||
         key.starts_with("enable.auto") || key.starts_with("queued.") ||
         key.starts_with("fetch.") || key.starts_with("session.") ||
         key.starts_with("heartbeat.") || key.starts_with("group.") ||
         key == "max.poll.interval.ms" || key == "enable.partition.eof" ||
         key == "isolation.level";
}

}  // namespace

ConfPtr make_producer_config(const config::KafkaConfig& kafka,
                             const std::optional<std::string>& transactional_id) {
  ConfPtr conf(rd_kafka_conf_new());
  for (const auto& [key, value] : kafka.properties) {
    if (consumer_only(key)) continue;
    set_conf(conf.get(), key, value, config::append_key("kafka.properties", key));
  }
  set_conf(conf.get(), "bootstrap.servers", kafka.brokers, "kafka.brokers");
  set_conf(conf.get(), "enable.idempotence", "true", "kafka");
  if (transactional_id) set_conf(conf.get(), "transactional.id", *transactional_id, "kafka.instance_id");
  return conf;
}

}  // namespace driftd::kafka
