// What driftd posts to Prometheus Alertmanager's /api/v2/alerts: one
// postable alert (Alertmanager's v2 JSON) per entry of alertmanager_alerts
// (store/alertmanager_tables.h), an array of them per POST. docs/api.md
// ("Prometheus Alertmanager") shows the document.
//
//   labels       alertname "DataDrift", stream, feature (the subject's
//                name: a feature, pair or group), severity ("warn" |
//                "critical"), metric: the label set, so one severity of one
//                alert episode is one Alertmanager alert;
//   annotations  summary (one sentence), direction (when the event has
//                one), value ("+Inf" for an infinite one), threshold,
//                window_id and dashboard (<external_url>/ui/#/windows/<id>, or
//                /ui/#/joint-windows/<id> for a pair or group)
//                when the window is known;
//   startsAt     when this severity began;
//   endsAt       an ended entry: when it ended; a firing one: now + 4 x
//                resend_interval, so Alertmanager keeps it while driftd
//                re-sends it and resolves it on its own if driftd stops;
//   generatorURL the dashboard link (external_url when the window is not
//                known).
// Times are RFC 3339 in UTC with milliseconds ("2025-11-28T12:00:00.123Z").
//
// Thread safety: pure functions of their arguments (the clock reading is
// passed in).
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "store/alertmanager_tables.h"

namespace driftd::alerts {

struct AlertmanagerPayloadOptions {
  std::string external_url;  // the dashboard's base, without trailing '/'
  std::chrono::milliseconds resend_interval;
};

// "2025-11-28T12:00:00.123Z" for 1764331200123.
std::string rfc3339_utc(int64_t epoch_ms);

// The postable alert of `entry` at `now_ms`. Throws nlohmann::json::exception
// when the entry's source is not an alert event document.
nlohmann::ordered_json alertmanager_alert(const store::AlertmanagerEntry& entry, int64_t now_ms,
                                          const AlertmanagerPayloadOptions& options);

// The body of one POST: the alerts of `entries`, in their order.
std::string alertmanager_body(std::span<const store::AlertmanagerEntry> entries, int64_t now_ms,
                              const AlertmanagerPayloadOptions& options);

}  // namespace driftd::alerts
