#include "kafka/broker_stats.h"

#include <nlohmann/json.hpp>

namespace driftd::kafka {

std::optional<BrokerStats> parse_broker_stats(std::string_view json) {
  const nlohmann::json stats = nlohmann::json::parse(json, nullptr, false);
  if (!stats.is_object()) return std::nullopt;
  BrokerStats out;
  try {
    if (const auto brokers = stats.find("brokers"); brokers != stats.end() && brokers->is_object()) {
      for (const auto& broker : *brokers) {
      if (broker.value("nodeid", -1) >= 0 && broker.value("state", "") == "UP") ++out.brokers_up;
    }
  }
    if (const auto topics = stats.find("topics"); topics != stats.end() && topics->is_object()) {
      for (const auto& topic : *topics) {
      const auto partitions = topic.find("partitions");
      if (partitions == topic.end() || !partitions->is_object()) continue;
      for (const auto& partition : *partitions) {
        const int64_t lag = partition.value("consumer_lag", int64_t{-1});
        if (partition.value("partition", -1) >= 0 && lag > 0) out.consumer_lag += lag;
      }
    }
  }
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a field of an unexpected type
  }
  return out;
}

}  // namespace driftd::kafka
