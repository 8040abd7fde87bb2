// The Prometheus families of a stream's runtime (metrics/metric_family.h):
// its event counters, the writers' time per hot-path stage, features
// without reference, and per feature the values that could not be binned.
// Labelled by stream (and feature) names from the configuration.
//
// Thread safety: write_stream_metrics reads relaxed atomics and
// features_without_reference(): any thread, while the runtime lives.
#pragma once

#include <span>

#include "metrics/metric_family.h"
#include "metrics/metrics_writer.h"
#include "pipeline/stream_runtime.h"

namespace driftd {

std::span<const metrics::MetricFamily* const> stream_metric_families();
void write_stream_metrics(const StreamRuntime& stream, metrics::MetricsWriter& out);

}  // namespace driftd
