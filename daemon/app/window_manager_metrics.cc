#include "app/window_manager_metrics.h"

#include <array>

namespace driftd {
namespace {

using metrics::MetricFamily;
using metrics::MetricType;

constexpr MetricFamily kCommits{"driftd_sqlite_commits_total", MetricType::counter,
                                "Window commits to SQLite."};
constexpr MetricFamily kCommitFailures{"driftd_sqlite_commit_failures_total", MetricType::counter,
                                       "Failed window commits (retried)."};
constexpr MetricFamily kCommitSeconds{
    "driftd_sqlite_commit_seconds", MetricType::histogram,
    "Duration of each SQLite commit of windows, alerts, checkpoint and positions."};
constexpr MetricFamily kAlertsOpen{"driftd_alerts_open", MetricType::gauge,
                                   "Alerts firing now, by severity.", {"severity"}};

constexpr std::array kFamilies{&kCommits, &kCommitFailures, &kCommitSeconds, &kAlertsOpen};

}  // namespace

std::span<const metrics::MetricFamily* const> window_manager_metric_families() {
  return kFamilies;
}

void write_window_manager_metrics(const WindowManager& manager, metrics::MetricsWriter& out) {
  out.sample(kCommits, {}, static_cast<double>(manager.commits()));
  out.sample(kCommitFailures, {}, static_cast<double>(manager.commit_failures()));
  const LatencyHistogram& latency = manager.commit_latency();
  const auto buckets = latency.buckets();
  out.histogram(kCommitSeconds, {}, LatencyHistogram::kBounds, buckets, latency.sum_seconds(),
                latency.count());
  out.sample(kAlertsOpen, {"warn"}, static_cast<double>(manager.open_alerts(Severity::kWarn)));
  out.sample(kAlertsOpen, {"critical"},
             static_cast<double>(manager.open_alerts(Severity::kCritical)));
}

}  // namespace driftd
