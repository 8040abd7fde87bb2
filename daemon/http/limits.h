// Limits and timeouts of the HTTP server (http/server.h), one struct so the
// daemon can fill it from its configuration in one place.
//
// Every limit protects the daemon from one kind of client misbehaviour; the
// comment on each field says what happens when it is exceeded. All durations
// must be > 0 except stream_heartbeat_interval (0: no heartbeats), and at
// most kMaxTimerDuration (common/timer_limit.h): timers beyond it would
// overflow the clock and expire at once.
//
// Thread safety: plain value. The server copies it at construction.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace driftd::http {

struct ServerLimits {
  // Request body size. A larger Content-Length, or a chunked body that grows
  // past it, is answered 413 with a JSON error and the connection is closed.
  std::uint64_t max_body_bytes = 16 * 1024 * 1024;
  // Request body bytes held at once across all connections (http/body_budget.h;
  // driftd's http.max_inflight_body_bytes). A request whose Content-Length,
  // or a chunked body whose next chunk, does not fit in what is left is
  // answered 503 with Retry-After and a JSON error, the connection is closed,
  // and ServerCounters::rejected_body_budget counts it. Held from the
  // reservation until the answer is being written (or the connection ends).
  std::uint64_t max_inflight_body_bytes = 256 * 1024 * 1024;
  // Request line plus header fields. Larger: 431, connection closed.
  std::uint32_t max_header_bytes = 16 * 1024;

  // From the first byte of a request (or from accept for the first request of
  // a connection) until its header is complete. A client trickling its header
  // (slow loris) is cut off: the connection is closed without an answer.
  std::chrono::milliseconds header_timeout{10'000};
  // From the end of the header until the whole body has arrived. Exceeded: closed.
  std::chrono::milliseconds body_timeout{30'000};
  // A keep-alive connection waiting for its next request is closed after this.
  std::chrono::milliseconds idle_timeout{60'000};
  // Writing one response. Exceeded: closed.
  std::chrono::milliseconds write_timeout{30'000};
  // After the server answers and closes (413, 503, Connection: close, stop),
  // it shuts down its sending side and reads and discards what the client
  // still sends for at most this long, so the client gets the answer rather
  // than a TCP reset.
  std::chrono::milliseconds linger_timeout{1'000};

  // Open connections (event streams included). Connection number
  // max_connections + 1 is accepted, answered 503 with a JSON error and
  // closed, and counted in ServerCounters::rejected_connections.
  std::size_t max_connections = 1024;

  // Open server-sent event streams. Beyond it, Responder::start_event_stream()
  // answers 503 and returns nullptr.
  std::size_t max_streams = 64;
  // Bytes an event stream may hold queued (not yet taken by the kernel),
  // the chunk in the socket write included. A send() that would exceed it
  // closes the stream as too slow (StreamCloseReason::too_slow).
  std::size_t stream_max_buffered_bytes = 1024 * 1024;
  // One write to an event stream client. Exceeded: stream closed (write_timeout).
  std::chrono::milliseconds stream_write_timeout{10'000};
  // A ": keep-alive" comment is sent when nothing is queued at each tick.
  // 0: never.
  std::chrono::milliseconds stream_heartbeat_interval{15'000};
};

}  // namespace driftd::http
