// What driftd reads from librdkafka's statistics JSON (emitted every
// statistics.interval.ms): whether any broker is reachable, and the
// consumer lag summed over the partitions being fetched.
//
// Guarantees: parse_broker_stats never throws; a document it cannot read
// yields nullopt.
//
// Thread safety: a pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace driftd::kafka {

struct BrokerStats {
  int brokers_up = 0;     // real brokers (node id >= 0) in state "UP"
  int64_t consumer_lag = 0;  // messages behind the high watermark, over known partitions
};

std::optional<BrokerStats> parse_broker_stats(std::string_view json);

}  // namespace driftd::kafka
