// What driftd reads from librdkafka's statistics JSON (emitted every
// statistics.interval.ms): whether any broker is reachable, the consumer
// lag summed over the partitions being fetched, and per topic the messages
// not yet handed to driftd.
//
// Guarantees: parse_broker_stats never throws; a document it cannot read
// yields nullopt.
//
// Thread safety: a pure function.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace driftd::kafka {

struct BrokerStats {
  int brokers_up = 0;     // real brokers (node id >= 0) in state "UP"
  int64_t consumer_lag = 0;  // messages behind the high watermark, over known partitions
  // Per topic with some: messages the brokers hold that were not yet handed
  // to driftd, over the partitions assigned to it ("desired"). Per
  // partition: its end (last stable offset, else high watermark) less the
  // next offset to hand out (app_offset; before the first message since the
  // assignment, the next offset to fetch). Unlike consumer_lag, which counts
  // from the committed offset, this is 0 once driftd has read everything,
  // however long its windows take to be committed.
  std::map<std::string, int64_t> unread;
};

std::optional<BrokerStats> parse_broker_stats(std::string_view json);

}  // namespace driftd::kafka
