// The Prometheus families of the window manager (metrics/metric_family.h):
// its SQLite commits, their failures and durations, and the alerts open by
// severity. The per-feature drift gauges are latest_drift.h's.
//
// Thread safety: write_window_manager_metrics reads relaxed counters: any
// thread, while the manager lives.
#pragma once

#include <span>

#include "app/window_manager.h"
#include "metrics/metric_family.h"
#include "metrics/metrics_writer.h"

namespace driftd {

std::span<const metrics::MetricFamily* const> window_manager_metric_families();
void write_window_manager_metrics(const WindowManager& manager, metrics::MetricsWriter& out);

}  // namespace driftd
