// One alert transition as subscribers see it: the alert_events row's id and
// its JSON document (the one schema of docs/api.md, shared by server-sent
// events, webhooks and the Kafka alert topic), with the fields subscribers
// filter on.
#pragma once

#include <cstdint>
#include <string>

namespace driftd::store {

struct AlertEvent {
  int64_t id = 0;          // alert_events.id: stable, increasing, never reused
  std::string stream;
  std::string feature;
  std::string severity;    // "warn" | "critical" (resolved: the episode's last)
  std::string transition;  // "fired" | "escalated" | "deescalated" | "resolved"
  std::string json;        // the published document
  // Whether this instance delivers it (webhooks, Alertmanager, the alert
  // topic): always for one instance; in cluster mode only for the results
  // it published as the stream's owner. Every instance serves every event.
  bool delivered_here = true;
};

}  // namespace driftd::store
