#include "kafka/broker_stats.h"

#include <nlohmann/json.hpp>

namespace driftd::kafka {
namespace {

// Messages of an assigned partition not yet handed to the application (0
// when unknown). librdkafka writes -1001 (RD_KAFKA_OFFSET_INVALID) for an
// offset it does not know.
int64_t unread_in(const nlohmann::json& partition) {
  if (!partition.value("desired", false)) return 0;
  const int64_t stable = partition.value("ls_offset", int64_t{-1});
  const int64_t end = stable >= 0 ? stable : partition.value("hi_offset", int64_t{-1});
  const int64_t handed = partition.value("app_offset", int64_t{-1});
  const int64_t next = handed >= 0 ? handed : partition.value("next_offset", int64_t{-1});
  return end >= 0 && next >= 0 && end > next ? end - next : 0;
}

}  // namespace

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
      for (const auto& [name, topic] : topics->items()) {
        const auto partitions = topic.find("partitions");
        if (partitions == topic.end() || !partitions->is_object()) continue;
        for (const auto& partition : *partitions) {
          if (partition.value("partition", -1) < 0) continue;  // the internal UA partition
          const int64_t lag = partition.value("consumer_lag", int64_t{-1});
          if (lag > 0) out.consumer_lag += lag;
          if (const int64_t unread = unread_in(partition); unread > 0) out.unread[name] += unread;
        }
      }
    }
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a field of an unexpected type
  }
  return out;
}

}  // namespace driftd::kafka
