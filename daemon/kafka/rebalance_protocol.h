// Which rebalance protocol a consumer group member's rebalance callback is
// in: cooperative (incremental assign and unassign) or eager.
// librdkafka names it, or answers NULL when the consumer is closing or has no
// group yet; a rebalance can come during the close, and then nothing is
// incremental.
#pragma once

#include <cstring>

#include <librdkafka/rdkafka.h>

namespace driftd::kafka {

inline bool cooperative_rebalance(rd_kafka_t* consumer) {
  const char* protocol = rd_kafka_rebalance_protocol(consumer);
  return protocol != nullptr && std::strcmp(protocol, "COOPERATIVE") == 0;
}

}  // namespace driftd::kafka
