// The librdkafka configuration of driftd's producers (the alert topic's, and
// cluster mode's transactional one): the user's `kafka.properties` that
// apply to a producer (security, client.id, ...; the consumer-only ones are
// left out), then
//   bootstrap.servers        from kafka.brokers
//   enable.idempotence=true  no duplicates or reordering on retries
//   transactional.id         when one is given (cluster mode: the instance's)
//
// Guarantees: throws config::ConfigError naming `kafka.properties.<key>` and
// librdkafka's reason for a property librdkafka refuses.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"
#include "kafka/consumer_config.h"

namespace driftd::kafka {

ConfPtr make_producer_config(const config::KafkaConfig& kafka,
                             const std::optional<std::string>& transactional_id = std::nullopt);

}  // namespace driftd::kafka
