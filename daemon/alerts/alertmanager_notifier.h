// Delivers driftd's alerts to Prometheus Alertmanager: one thread
// (alerts/worker_thread.h) that turns committed alert events into entries of
// alertmanager_alerts (store/alertmanager_tables.h: one per severity of an
// alert episode) and posts the entries that are due, up to kBatch per POST
// (alerts/alertmanager_payload.h, alerts/alertmanager_client.h).
//
// What is sent when:
//   - an alert fires: at once, with endsAt = now + 4 x resend_interval;
//   - while it fires: again every resend_interval (Alertmanager forgets an
//     alert at its endsAt, so re-sending keeps it alive while driftd lives,
//     and Alertmanager resolves it on its own if driftd dies);
//   - its severity changes: at once, the old label set with endsAt = the
//     change, and the new one firing;
//   - it resolves: once more, with endsAt = when it resolved;
//   - driftd starts: every firing alert at once.
//
// Durability: the alert events are written in the transaction of the alert
// change; the entries are made from them in the transaction that advances
// this deliverer's cursor, and an entry leaves (or waits for its next
// resend) only once Alertmanager answered 2xx. So an outage of Alertmanager,
// or a crash or restart of driftd, loses nothing: delivery is at least once
// (Alertmanager merges repeats of a label set).
//
// Failure: a POST not answered 2xx within alertmanager.timeout is counted,
// logged (without secrets) and retried after a backoff (alerts/retry_backoff.h:
// retry_initial doubling up to retry_max, with jitter); the entries stay due.
//
// Time: every decision reads the Clock given (tests drive a ManualClock);
// only the worker's sleep between rounds is the host's.
//
// Thread safety: wake(), stop() and the counters from any thread. The
// members the worker uses (cursor_, failures_in_a_row_, retry_at_ms_) are the
// worker thread's only.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "alerts/alertmanager_client.h"
#include "alerts/alertmanager_payload.h"
#include "alerts/retry_backoff.h"
#include "alerts/worker_thread.h"
#include "common/clock.h"
#include "config/config.h"
#include "store/sqlite.h"
#include "store/write_queue.h"

namespace driftd::alerts {

// alertmanager.external_url, or "http://<http.listen>" ("https://" with
// http.tls) when it is not set.
std::string alertmanager_external_url(const config::Config& config);

class AlertmanagerNotifier {
 public:
  static constexpr std::size_t kBatch = 500;  // alerts per POST, events applied per round

  // Throws config::ConfigError as AlertmanagerClient does. Events and
  // entries are read from `database` (read-only); writes go through `writer`.
  AlertmanagerNotifier(const config::AlertmanagerConfig& config, std::string external_url,
                       const std::filesystem::path& database, store::WriteQueue& writer,
                       const Clock& clock);
  ~AlertmanagerNotifier() = default;  // stop()
  AlertmanagerNotifier(const AlertmanagerNotifier&) = delete;
  AlertmanagerNotifier& operator=(const AlertmanagerNotifier&) = delete;

  // New alert events were committed: look at once instead of at the next tick.
  void wake() { worker_.wake(); }
  // Finishes the POST in flight (bounded by alertmanager.timeout), then
  // stops; what was not delivered stays in SQLite. Idempotent.
  void stop() { worker_.stop(); }

  // POSTs Alertmanager answered 2xx.
  uint64_t posts_delivered() const { return delivered_.load(std::memory_order_relaxed); }
  // POSTs that failed (no answer, or not 2xx).
  uint64_t failed_attempts() const { return failed_.load(std::memory_order_relaxed); }
  // Alerts due and not yet accepted by Alertmanager, as of the last round.
  int64_t backlog() const { return backlog_.load(std::memory_order_relaxed); }

 private:
  WorkerThread::Outcome step();
  // Applies the events after the cursor; true when there may be more.
  bool enqueue();
  // Posts one batch of due entries when no retry is pending; true when
  // more are due.
  bool send_due();

  const AlertmanagerClient client_;
  const AlertmanagerPayloadOptions payload_;
  const Clock& clock_;
  store::Database reader_;  // the worker's
  store::WriteQueue& writer_;
  RetryBackoff backoff_;
  std::optional<int64_t> cursor_;        // worker; read on its first step
  int64_t failures_in_a_row_ = 0;        // worker
  std::optional<int64_t> retry_at_ms_;   // worker: no POST before it
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<int64_t> backlog_{0};

  WorkerThread worker_;  // last: joined before the members it uses go
};

}  // namespace driftd::alerts
