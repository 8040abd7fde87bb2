#include "alerts/alertmanager_payload.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace driftd::alerts {
namespace {

using Json = nlohmann::ordered_json;

// A number as an annotation: the shortest text that reads back to it;
// null (an infinite value in the event) is "+Inf", as Prometheus writes it.
std::string number_text(const nlohmann::json& value) {
  if (!value.is_number()) return "+Inf";
  const double number = value.get<double>();
  char buffer[64];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, number).ptr;
  return std::string(buffer, end);
}

// A number for a sentence: four significant digits.
std::string rounded(const nlohmann::json& value) {
  if (!value.is_number()) return "+Inf";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value.get<double>());
  return buffer;
}

// "feature amount of stream payments drifted: jsd 0.4635 (critical threshold 0.05)"
// "feature amount of stream payments no longer drifts: jsd 0.012 (resolves below 0.02)"
std::string summary(const nlohmann::json& event, const std::string& severity) {
  const std::string subject = event.value("kind", "feature") + " " +
                              event.at("feature").get<std::string>() + " of stream " +
                              event.at("stream").get<std::string>();
  const std::string measured =
      event.at("metric").get<std::string>() + " " + rounded(event.at("value"));
  if (event.value("transition", "") == "resolved") {
    return subject + " no longer drifts: " + measured + " (resolves below " +
           rounded(event.at("threshold")) + ")";
  }
  return subject + " drifted: " + measured + " (" + severity + " threshold " +
         rounded(event.at("threshold")) + ")";
}

}  // namespace

std::string rfc3339_utc(int64_t epoch_ms) {
  // Floor division: a time before 1970 still has milliseconds in 0..999.
  int64_t seconds = epoch_ms / 1000;
  int64_t millis = epoch_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  const std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char buffer[48];
  const std::size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buffer + length, sizeof buffer - length, ".%03dZ", static_cast<int>(millis));
  return buffer;
}

Json alertmanager_alert(const store::AlertmanagerEntry& entry, int64_t now_ms,
                        const AlertmanagerPayloadOptions& options) {
  const nlohmann::json event = nlohmann::json::parse(entry.source);
  Json labels = {{"alertname", "DataDrift"},
                 {"stream", event.at("stream").get<std::string>()},
                 {"feature", event.at("feature").get<std::string>()},
                 {"severity", entry.severity},
                 {"metric", event.at("metric").get<std::string>()}};
  Json annotations = {{"summary", summary(event, entry.severity)}};
  if (event.contains("direction") && event["direction"].is_string()) {
    annotations["direction"] = event["direction"].get<std::string>();
  }
  annotations["value"] = number_text(event.at("value"));
  annotations["threshold"] = number_text(event.at("threshold"));
  std::string link = options.external_url;
  if (entry.window_id) {
    // The dashboard opens a feature's window, or a pair's or group's.
    const bool joint = event.value("kind", "feature") != "feature";
    link = options.external_url + (joint ? "/ui/#/joint-windows/" : "/ui/#/windows/") +
           std::to_string(*entry.window_id);
    annotations["window_id"] = std::to_string(*entry.window_id);
    annotations["dashboard"] = link;
  }
  const int64_t ends_at =
      entry.ends_at ? *entry.ends_at : now_ms + 4 * options.resend_interval.count();
  return {{"labels", std::move(labels)},
          {"annotations", std::move(annotations)},
          {"startsAt", rfc3339_utc(entry.starts_at)},
          {"endsAt", rfc3339_utc(ends_at)},
          {"generatorURL", link}};
}

std::string alertmanager_body(std::span<const store::AlertmanagerEntry> entries, int64_t now_ms,
                              const AlertmanagerPayloadOptions& options) {
  Json alerts = Json::array();
  for (const store::AlertmanagerEntry& entry : entries) {
    alerts.push_back(alertmanager_alert(entry, now_ms, options));
  }
  return alerts.dump();
}

}  // namespace driftd::alerts
