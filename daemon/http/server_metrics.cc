#include "http/server_metrics.h"

#include <array>
#include <atomic>
#include <string>
#include <utility>

namespace driftd::http {
namespace {

using metrics::MetricFamily;
using metrics::MetricType;

constexpr MetricFamily kResponses{"driftd_http_responses_total", MetricType::counter,
                                  "HTTP responses by status class.", {"class"}};
constexpr MetricFamily kOpenConnections{"driftd_http_open_connections", MetricType::gauge,
                                        "Open HTTP connections."};
constexpr MetricFamily kInflightBodyBytes{
    "driftd_http_inflight_body_bytes", MetricType::gauge,
    "Request body bytes held now across connections (bounded by "
    "http.max_inflight_body_bytes)."};
constexpr MetricFamily kRejected{
    "driftd_http_rejected_total", MetricType::counter,
    "HTTP connections or requests refused by a limit, a timeout, authentication or TLS.",
    {"reason"}};

constexpr std::array kFamilies{&kResponses, &kOpenConnections, &kInflightBodyBytes, &kRejected};

}  // namespace

std::span<const metrics::MetricFamily* const> server_metric_families() { return kFamilies; }

void write_server_metrics(const HttpServer& server, metrics::MetricsWriter& out) {
  const ServerCounters& counters = server.counters();
  for (int status_class = 1; status_class <= 5; ++status_class) {
    out.sample(kResponses, {std::to_string(status_class) + "xx"},
               static_cast<double>(counters.responses(status_class)));
  }
  out.sample(kOpenConnections, {}, static_cast<double>(server.open_connections()));
  out.sample(kInflightBodyBytes, {}, static_cast<double>(server.inflight_body_bytes()));
  const std::pair<const char*, const std::atomic<std::uint64_t>*> rejections[] = {
      {"connections", &counters.rejected_connections},
      {"event_streams", &counters.rejected_streams},
      {"body_too_large", &counters.rejected_body_too_large},
      {"body_budget", &counters.rejected_body_budget},
      {"header_too_large", &counters.rejected_header_too_large},
      {"unauthorized", &counters.rejected_unauthorized},
      {"timeout", &counters.timeouts},
      {"tls_handshake", &counters.tls_handshake_failures},
  };
  for (const auto& [reason, counter] : rejections) {
    out.sample(kRejected, {reason}, static_cast<double>(counter->load(std::memory_order_relaxed)));
  }
}

}  // namespace driftd::http
