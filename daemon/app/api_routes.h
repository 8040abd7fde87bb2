// The HTTP endpoints of the daemon that exist so far:
//   POST /v1/streams/{stream}/events  NDJSON (or JSON array) ingest -> 202,
//                                     with http.ingest_ack "durable" once
//                                     committed (app/durable_acks.h)
//   GET  /v1/streams                  streams, their phase and counters
//   GET  /healthz                     the process answers (public)
//   GET  /readyz                      ready to ingest and commit, else 503
//                                     ("starting", or "degraded" with reasons:
//                                     Kafka unreachable, commits failing)
//   GET  /metrics                     Prometheus text format, from the
//                                     registry (app/daemon_metrics.h)
//
// Thread safety: handlers run on the I/O threads; each I/O thread has its own
// writer index (set_writer_index) so ingest records without locks.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "app/window_manager.h"
#include "http/router.h"
#include "kafka/kafka_source.h"
#include "metrics/metrics_registry.h"
#include "pipeline/stream_runtime.h"

namespace driftd {

// The writer index of the calling I/O thread. REQUIRES: set on every thread
// that runs the io_context, before it runs handlers.
void set_writer_index(std::size_t index);

struct ApiContext {
  std::vector<std::unique_ptr<StreamRuntime>>* streams;
  WindowManager* manager;
  config::IngestAck ingest_ack;
  std::atomic<bool>* ready;
  const kafka::KafkaSource* kafka;  // null without Kafka streams
  const metrics::MetricsRegistry* metrics;
};

void register_api_routes(http::Router& router, ApiContext context);

}  // namespace driftd
