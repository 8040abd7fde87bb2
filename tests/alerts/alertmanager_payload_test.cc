// What driftd posts to Alertmanager (alerts/alertmanager_payload.h): labels,
// annotations, times and batching, from entries and a fixed clock reading.
#include "alerts/alertmanager_payload.h"

#include <chrono>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace driftd::alerts {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kOpened = 1764331200123;  // 2025-11-28T12:00:00.123Z
constexpr int64_t kNow = kOpened + 90'000;    // 90 s later

const AlertmanagerPayloadOptions kOptions{"https://driftd.example", 1min};

std::string event(const std::string& transition, const std::string& severity,
                  const nlohmann::json& value, double threshold, bool direction = true) {
  nlohmann::json document = {{"event_id", 7},       {"alert_id", 4},
                              {"at", kOpened},       {"stream", "payments"},
                              {"feature", "amount"}, {"kind", "feature"},
                              {"rule", 0},           {"transition", transition},
                              {"state", transition == "resolved" ? "resolved" : "firing"},
                              {"severity", severity}, {"metric", "jsd"},
                              {"value", value},      {"threshold", threshold},
                              {"window", {{"start", 0}, {"end", 500}}}};
  if (direction) document["direction"] = "kl_qp > kl_pq: mass the reference had has vanished";
  return document.dump();
}

store::AlertmanagerEntry firing_entry() {
  store::AlertmanagerEntry entry;
  entry.id = 1;
  entry.alert_id = 4;
  entry.severity = "critical";
  entry.starts_at = kOpened;
  entry.window_id = 42;
  entry.source = event("fired", "critical", 0.4635, 0.05);
  return entry;
}

TEST_CASE("RFC 3339 times are UTC with milliseconds and a Z") {
  CHECK(rfc3339_utc(kOpened) == "2025-11-28T12:00:00.123Z");
  CHECK(rfc3339_utc(0) == "1970-01-01T00:00:00.000Z");
  CHECK(rfc3339_utc(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(rfc3339_utc(951782400000) == "2000-02-29T00:00:00.000Z");
}

TEST_CASE("A firing alert has driftd's labels, annotations and a link to its window") {
  const nlohmann::ordered_json alert = alertmanager_alert(firing_entry(), kNow, kOptions);
  CHECK(alert["labels"] == nlohmann::ordered_json({{"alertname", "DataDrift"},
                                                   {"stream", "payments"},
                                                   {"feature", "amount"},
                                                   {"severity", "critical"},
                                                   {"metric", "jsd"}}));
  const auto& annotations = alert["annotations"];
  CHECK(annotations["summary"] ==
        "feature amount of stream payments drifted: jsd 0.4635 (critical threshold 0.05)");
  CHECK(annotations["direction"] == "kl_qp > kl_pq: mass the reference had has vanished");
  CHECK(annotations["value"] == "0.4635");
  CHECK(annotations["threshold"] == "0.05");
  CHECK(annotations["window_id"] == "42");
  CHECK(annotations["dashboard"] == "https://driftd.example/ui/#/windows/42");
  CHECK(alert["generatorURL"] == "https://driftd.example/ui/#/windows/42");
  CHECK(alert["startsAt"] == "2025-11-28T12:00:00.123Z");
}

TEST_CASE("A firing alert ends 4 resend intervals after now, so it lives while it is re-sent") {
  const auto alert = alertmanager_alert(firing_entry(), kNow, kOptions);
  CHECK(alert["endsAt"] == rfc3339_utc(kNow + 4 * 60'000));
  CHECK(alert["endsAt"] == "2025-11-28T12:05:30.123Z");
  // A later resend moves endsAt, not startsAt.
  const auto later = alertmanager_alert(firing_entry(), kNow + 60'000, kOptions);
  CHECK(later["startsAt"] == alert["startsAt"]);
  CHECK(later["endsAt"] == "2025-11-28T12:06:30.123Z");
}

TEST_CASE("An ended alert keeps its labels and ends when it resolved") {
  store::AlertmanagerEntry entry = firing_entry();
  entry.ends_at = kOpened + 3'600'000;
  entry.source = event("resolved", "critical", 0.012, 0.02);
  const auto alert = alertmanager_alert(entry, kNow + 10 * 3'600'000, kOptions);
  CHECK(alert["labels"] == alertmanager_alert(firing_entry(), kNow, kOptions)["labels"]);
  CHECK(alert["startsAt"] == "2025-11-28T12:00:00.123Z");
  CHECK(alert["endsAt"] == "2025-11-28T13:00:00.123Z");
  CHECK(alert["annotations"]["summary"] ==
        "feature amount of stream payments no longer drifts: jsd 0.012 (resolves below 0.02)");
  CHECK(alert["annotations"]["value"] == "0.012");
}

TEST_CASE("An infinite value, no direction and no known window") {
  store::AlertmanagerEntry entry = firing_entry();
  entry.window_id.reset();
  entry.source = event("fired", "warn", nullptr, 0.02, /*direction=*/false);
  entry.severity = "warn";
  const auto alert = alertmanager_alert(entry, kNow, kOptions);
  CHECK(alert["labels"]["severity"] == "warn");
  CHECK(alert["annotations"]["value"] == "+Inf");
  CHECK(alert["annotations"]["summary"] ==
        "feature amount of stream payments drifted: jsd +Inf (warn threshold 0.02)");
  CHECK_FALSE(alert["annotations"].contains("direction"));
  CHECK_FALSE(alert["annotations"].contains("window_id"));
  CHECK_FALSE(alert["annotations"].contains("dashboard"));
  CHECK(alert["generatorURL"] == "https://driftd.example");
}

TEST_CASE("Every label and annotation is a string, as Alertmanager requires") {
  const auto alert = alertmanager_alert(firing_entry(), kNow, kOptions);
  for (const char* part : {"labels", "annotations"}) {
    for (const auto& [key, value] : alert[part].items()) {
      INFO(part << "." << key);
      CHECK(value.is_string());
    }
  }
}

TEST_CASE("A severity change is two alerts in one POST: the old label set ended, the new firing") {
  store::AlertmanagerEntry warn = firing_entry();
  warn.severity = "warn";
  warn.source = event("fired", "warn", 0.03, 0.02);
  warn.ends_at = kOpened + 60'000;
  store::AlertmanagerEntry critical = firing_entry();
  critical.id = 2;
  critical.starts_at = kOpened + 60'000;
  critical.source = event("escalated", "critical", 0.4635, 0.05);
  const std::vector<store::AlertmanagerEntry> entries{warn, critical};
  const nlohmann::json body = nlohmann::json::parse(alertmanager_body(entries, kNow, kOptions));
  REQUIRE(body.is_array());
  REQUIRE(body.size() == 2);
  CHECK(body[0]["labels"]["severity"] == "warn");
  CHECK(body[0]["endsAt"] == "2025-11-28T12:01:00.123Z");
  CHECK(body[1]["labels"]["severity"] == "critical");
  CHECK(body[1]["startsAt"] == "2025-11-28T12:01:00.123Z");
  CHECK(body[1]["endsAt"] == rfc3339_utc(kNow + 240'000));
  CHECK(alertmanager_body({}, kNow, kOptions) == "[]");
}

}  // namespace
}  // namespace driftd::alerts
