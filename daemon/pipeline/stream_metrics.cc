#include "pipeline/stream_metrics.h"

#include <array>
#include <atomic>
#include <cstdint>

namespace driftd {
namespace {

using metrics::MetricFamily;
using metrics::MetricType;

constexpr MetricFamily kEvents{"driftd_events_total", MetricType::counter,
                               "Events received, accepted or not.", {"stream"}};
constexpr MetricFamily kAccepted{"driftd_events_accepted_total", MetricType::counter,
                                 "Events decoded into windows.", {"stream"}};
constexpr MetricFamily kMalformed{"driftd_events_malformed_total", MetricType::counter,
                                  "Events that were not one valid JSON object.", {"stream"}};
constexpr MetricFamily kInvalidEventTime{"driftd_events_invalid_event_time_total",
                                         MetricType::counter,
                                         "Events whose event time was missing or invalid.",
                                         {"stream"}};
constexpr MetricFamily kLate{"driftd_events_late_total", MetricType::counter,
                             "Events that arrived after their window closed.", {"stream"}};
constexpr MetricFamily kWindowsClosed{"driftd_windows_closed_total", MetricType::counter,
                                      "Windows closed and evaluated.", {"stream"}};
constexpr MetricFamily kWithoutReference{
    "driftd_features_without_reference", MetricType::gauge,
    "Features whose capture found too few values (or that have no stored reference): not "
    "evaluated until one is imported.",
    {"stream"}};
constexpr MetricFamily kStageSeconds{
    "driftd_ingest_stage_seconds_total", MetricType::counter,
    "Writer time per stage of the hot path: decode (JSON) and record (bin and count).",
    {"stream", "stage"}};
constexpr MetricFamily kFeatureMissing{"driftd_feature_missing_total", MetricType::counter,
                                       "Values absent or null, in closed windows.",
                                       {"stream", "feature"}};
constexpr MetricFamily kFeatureInvalid{"driftd_feature_invalid_total", MetricType::counter,
                                       "Values of the wrong type, in closed windows.",
                                       {"stream", "feature"}};

constexpr std::array kFamilies{&kEvents,           &kAccepted,     &kMalformed,
                               &kInvalidEventTime, &kLate,         &kWindowsClosed,
                               &kWithoutReference, &kStageSeconds, &kFeatureMissing,
                               &kFeatureInvalid};

double load(const std::atomic<uint64_t>& counter) {
  return static_cast<double>(counter.load(std::memory_order_relaxed));
}

}  // namespace

std::span<const metrics::MetricFamily* const> stream_metric_families() { return kFamilies; }

void write_stream_metrics(const StreamRuntime& stream, metrics::MetricsWriter& out) {
  const std::string& name = stream.config().name;
  const StreamCounters& c = stream.counters();
  out.sample(kEvents, {name}, load(c.events));
  out.sample(kAccepted, {name}, load(c.accepted));
  out.sample(kMalformed, {name}, load(c.malformed));
  out.sample(kInvalidEventTime, {name}, load(c.invalid_event_time));
  out.sample(kLate, {name}, load(c.late));
  out.sample(kWindowsClosed, {name}, load(c.windows_closed));
  out.sample(kWithoutReference, {name},
             static_cast<double>(stream.features_without_reference()));
  out.sample(kStageSeconds, {name, "decode"}, load(c.decode_nanoseconds) / 1e9);
  out.sample(kStageSeconds, {name, "record"}, load(c.record_nanoseconds) / 1e9);
  for (std::size_t f = 0; f < stream.config().features.size(); ++f) {
    const std::string& feature = stream.config().features[f].name;
    out.sample(kFeatureMissing, {name, feature}, load(stream.feature_counters(f).missing));
    out.sample(kFeatureInvalid, {name, feature}, load(stream.feature_counters(f).invalid));
  }
}

}  // namespace driftd
