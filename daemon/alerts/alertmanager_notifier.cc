#include "alerts/alertmanager_notifier.h"

#include <chrono>
#include <cstdio>
#include <vector>

#include "config/listen_address.h"
#include "store/alert_event_reader.h"
#include "store/alertmanager_tables.h"

namespace driftd::alerts {
namespace {

constexpr std::chrono::milliseconds kIdleTick{200};
constexpr std::chrono::seconds kRetryPause{1};

}  // namespace

std::string alertmanager_external_url(const config::Config& config) {
  if (config.alertmanager && config.alertmanager->external_url) {
    return *config.alertmanager->external_url;
  }
  return (config.http.tls ? "https://" : "http://") + config::to_string(config.http.listen);
}

AlertmanagerNotifier::AlertmanagerNotifier(const config::AlertmanagerConfig& config,
                                           std::string external_url,
                                           const std::filesystem::path& database,
                                           store::WriteQueue& writer, const Clock& clock)
    : client_(config),
      payload_{std::move(external_url), config.resend_interval},
      clock_(clock),
      reader_(database, store::Database::Mode::kReadOnly),
      writer_(writer),
      backoff_(config.retry_initial, config.retry_max),
      worker_(kIdleTick, kRetryPause) {
  worker_.start([this] { return step(); });
}

WorkerThread::Outcome AlertmanagerNotifier::step() {
  try {
    const bool more_events = enqueue();
    const bool more_due = send_due();
    return more_events || more_due ? WorkerThread::Outcome::busy : WorkerThread::Outcome::idle;
  } catch (const std::exception& error) {
    // SQLite trouble (or the writer closing at shutdown): the outbox holds
    // the state, the round is tried again.
    std::fprintf(stderr, "driftd: alertmanager: %s (retrying)\n", error.what());
    return WorkerThread::Outcome::failed;
  }
}

bool AlertmanagerNotifier::enqueue() {
  if (!cursor_) {
    cursor_ = writer_.run([&](store::Database& db) {
      return store::open_alertmanager_outbox(db, clock_.wall_ms());
    });
  }
  const std::vector<store::AlertEvent> events =
      store::read_alert_events(reader_, *cursor_, kBatch);
  if (events.empty()) return false;
  writer_.run([&](store::Database& db) {
    store::apply_alert_events(db, events, clock_.wall_ms());
  });
  cursor_ = events.back().id;
  return events.size() == kBatch;
}

bool AlertmanagerNotifier::send_due() {
  const int64_t now = clock_.wall_ms();
  backlog_.store(store::alertmanager_backlog(reader_, now), std::memory_order_relaxed);
  if (retry_at_ms_ && now < *retry_at_ms_) return false;
  const std::vector<store::AlertmanagerEntry> due =
      store::due_alertmanager_entries(reader_, now, kBatch);
  if (due.empty()) return false;
  const PostResult result = client_.post(alertmanager_body(due, now, payload_));
  if (!result.delivered()) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    ++failures_in_a_row_;
    const std::chrono::milliseconds wait = backoff_.delay(failures_in_a_row_);
    retry_at_ms_ = now + wait.count();
    std::fprintf(stderr, "driftd: alertmanager: %s: %s (%zu alert(s) waiting; retrying in %lld ms)\n",
                 client_.endpoint().c_str(), result.error.c_str(), due.size(),
                 static_cast<long long>(wait.count()));
    return false;
  }
  if (failures_in_a_row_ > 0) {
    std::fprintf(stderr, "driftd: alertmanager: %s accepts alerts again (after %lld failed "
                         "attempt(s))\n",
                 client_.endpoint().c_str(), static_cast<long long>(failures_in_a_row_));
  }
  failures_in_a_row_ = 0;
  retry_at_ms_.reset();
  writer_.run([&](store::Database& db) {
    store::record_alertmanager_sent(db, due, now + payload_.resend_interval.count());
  });
  delivered_.fetch_add(1, std::memory_order_relaxed);
  backlog_.store(store::alertmanager_backlog(reader_, now), std::memory_order_relaxed);
  return due.size() == kBatch;
}

}  // namespace driftd::alerts
