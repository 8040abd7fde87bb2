#include "app/latest_drift.h"

#include <array>

namespace driftd {
namespace {

using metrics::MetricFamily;
using metrics::MetricType;

constexpr MetricFamily kJsd{
    "driftd_feature_jsd", MetricType::gauge,
    "Jensen-Shannon divergence (nats) of the feature's latest closed window against its "
    "reference.",
    {"stream", "feature"}};
constexpr MetricFamily kPsi{"driftd_feature_psi", MetricType::gauge,
                            "Population stability index of the feature's latest closed window.",
                            {"stream", "feature"}};
constexpr MetricFamily kPValue{
    "driftd_feature_p_value", MetricType::gauge,
    "p-value of the feature's latest closed window, the one alert rules compare with "
    "max_p_value (calibrated G-test).",
    {"stream", "feature"}};
constexpr MetricFamily kValues{"driftd_feature_window_values", MetricType::gauge,
                               "Values of the feature binned in its latest closed window.",
                               {"stream", "feature"}};
constexpr MetricFamily kSeverity{
    "driftd_feature_alert_severity", MetricType::gauge,
    "Highest severity of the feature's open alerts: 0 none, 1 warn, 2 critical.",
    {"stream", "feature"}};

constexpr std::array kFamilies{&kJsd, &kPsi, &kPValue, &kValues, &kSeverity};

}  // namespace

LatestDrift::LatestDrift(const std::vector<std::unique_ptr<StreamRuntime>>& streams) {
  for (const auto& stream : streams) {
    StreamDrift entry{stream->config().name, {}, {}, std::nullopt};
    for (const auto& feature : stream->config().features) entry.features.push_back(feature.name);
    entry.drift.resize(entry.features.size());
    streams_.push_back(std::move(entry));
  }
}

void LatestDrift::update(std::size_t stream_index, const StreamRuntime& stream,
                         const WindowEvaluation& window, int64_t committed_ms) {
  std::lock_guard lock(mutex_);
  streams_[stream_index].last_window = CommittedWindow{
      window.bounds, committed_ms, stream.counters().accepted.load(std::memory_order_relaxed)};
  std::vector<FeatureDrift>& drift = streams_[stream_index].drift;
  for (std::size_t f = 0; f < drift.size() && f < window.features.size(); ++f) {
    const FeatureEvaluation& feature = window.features[f];
    drift[f].severity = stream.alerts().subject_severity(f);
    if (!feature.evaluated || !feature.comparison) continue;
    drift[f].compared = true;
    drift[f].jsd = feature.comparison->measures.jsd;
    drift[f].psi = feature.comparison->measures.psi;
    drift[f].p_value = feature.comparison->significance.p_value_calibrated;
    drift[f].values = feature.n;
  }
}

std::optional<LatestDrift::CommittedWindow> LatestDrift::last_window(
    std::size_t stream_index) const {
  std::lock_guard lock(mutex_);
  return streams_[stream_index].last_window;
}

std::span<const metrics::MetricFamily* const> LatestDrift::metric_families() { return kFamilies; }

void LatestDrift::write_metrics(metrics::MetricsWriter& out) const {
  std::lock_guard lock(mutex_);
  for (const StreamDrift& stream : streams_) {
    for (std::size_t f = 0; f < stream.features.size(); ++f) {
      const FeatureDrift& drift = stream.drift[f];
      const std::initializer_list<std::string_view> labels{stream.name, stream.features[f]};
      out.sample(kSeverity, labels, static_cast<double>(drift.severity));
      if (!drift.compared) continue;
      out.sample(kJsd, labels, drift.jsd);
      out.sample(kPsi, labels, drift.psi);
      out.sample(kPValue, labels, drift.p_value);
      out.sample(kValues, labels, static_cast<double>(drift.values));
    }
  }
}

}  // namespace driftd
