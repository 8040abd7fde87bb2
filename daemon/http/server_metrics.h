// The Prometheus families of the HTTP server (metrics/metric_family.h):
// responses by status class, open connections, request body bytes held, and
// what its limits, timeouts, authentication and TLS refused.
//
// Thread safety: write_server_metrics reads the server's relaxed counters:
// any thread, while the server lives.
#pragma once

#include <span>

#include "http/server.h"
#include "metrics/metric_family.h"
#include "metrics/metrics_writer.h"

namespace driftd::http {

std::span<const metrics::MetricFamily* const> server_metric_families();
void write_server_metrics(const HttpServer& server, metrics::MetricsWriter& out);

}  // namespace driftd::http
