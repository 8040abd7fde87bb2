// Self-observability counters of the HTTP server, for /metrics.
//
// Guarantees: every field is a std::atomic updated with relaxed ordering and
// readable from any thread at any time. They are statistics: no other memory
// is published through them, so relaxed loads are enough. Gauges
// (open_connections, open_streams) are exact once the server is quiet; while
// it runs a reader may see one event's counter before another's.
//
// Thread safety: all members may be read from any thread. Only the server
// writes them.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace driftd::http {

struct ServerCounters {
  // Responses written, by status class: index 0 is 1xx ... index 4 is 5xx.
  // An event stream counts as one 2xx response when its headers are sent.
  std::array<std::atomic<std::uint64_t>, 5> responses_by_class{};

  std::atomic<std::uint64_t> connections_accepted{0};  // all accepted sockets, rejected ones too
  std::atomic<std::int64_t> open_connections{0};       // gauge; event streams included
  std::atomic<std::int64_t> open_streams{0};           // gauge

  // Refused by a limit (see ServerLimits).
  std::atomic<std::uint64_t> rejected_connections{0};  // over max_connections: 503
  std::atomic<std::uint64_t> rejected_streams{0};      // over max_streams: 503
  std::atomic<std::uint64_t> rejected_body_too_large{0};    // 413
  std::atomic<std::uint64_t> rejected_body_budget{0};       // over max_inflight_body_bytes: 503
  std::atomic<std::uint64_t> rejected_header_too_large{0};  // 431
  std::atomic<std::uint64_t> rejected_unauthorized{0};      // 401
  std::atomic<std::uint64_t> timeouts{0};  // connections cut by handshake/header/body/write timeouts
  std::atomic<std::uint64_t> tls_handshake_failures{0};  // TLS handshakes that failed (not timeouts)

  std::atomic<std::uint64_t> handler_errors{0};    // handler threw, or dropped its Responder: 500
  std::atomic<std::uint64_t> streams_too_slow{0};  // event streams closed for buffer cap or write timeout
  std::atomic<std::uint64_t> stream_heartbeats{0};

  // Responses with status class `status_class` (1..5); 0 outside that range.
  std::uint64_t responses(int status_class) const;
  // Sum of the rejected_* counters and timeouts.
  std::uint64_t rejected_total() const;

  // Server side: counts one response with HTTP status `status`.
  void count_response(unsigned status);
};

}  // namespace driftd::http
