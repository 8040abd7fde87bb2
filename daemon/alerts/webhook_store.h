// Webhook subscriptions and their outbox as the API and the dispatcher use
// them: requests validated here, SQL in store/webhook_tables.h. Writes go
// to the one SQLite writer through its WriteQueue (never a connection of
// their own); reads use a read-only connection of this object's.
//
// Guarantees: add() refuses (InputError, naming the field) a bad url, a
// target outside the allowlist, a short secret or a bad filter, and
// (store::Conflict) a subscription beyond webhooks.max_subscriptions;
// attempts() and remove() throw store::NotFound for an unknown subscription.
// Secrets are never returned. Every write throws store::WriterClosed once
// the writer has stopped.
//
// Thread safety: every member from any thread but the writer's (writes wait
// for it). The read connection is guarded by a mutex; each read is short.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/sqlite.h"
#include "store/webhook_tables.h"
#include "store/write_queue.h"

namespace driftd::alerts {

using Delivery = store::WebhookDelivery;

class WebhookStore {
 public:
  WebhookStore(const std::filesystem::path& database, store::WriteQueue& writer,
               std::size_t max_subscriptions);

  // ---- API -----------------------------------------------------------------
  // {"url", "secret", "filters": {"stream": "a" | ["a", ...], "feature", "severity",
  // "state"}} -> the subscription (id, url, filters, created_at); it gets
  // the alert events committed from now on. Throws store::Conflict when
  // `max_subscriptions` live subscriptions exist already.
  nlohmann::ordered_json add(const nlohmann::json& request,
                             const std::optional<std::vector<std::string>>& allowlist,
                             int64_t now_ms);
  void remove(int64_t id, int64_t now_ms);
  // Every live subscription with its outbox state.
  nlohmann::ordered_json list();
  // The latest attempts of one subscription, newest first.
  nlohmann::ordered_json attempts(int64_t id, std::size_t limit);

  // ---- Dispatcher ------------------------------------------------------------
  // Copies into the outbox the committed events each live subscription wants,
  // up to `max_events` per subscription. Returns the rows added.
  std::size_t enqueue(std::size_t max_events, int64_t now_ms);
  // For each live subscription, its oldest pending delivery when it is due.
  std::vector<Delivery> due(int64_t now_ms);
  void record_success(const Delivery& delivery, int status, int64_t now_ms, int64_t duration_ms);
  void record_failure(const Delivery& delivery, std::optional<int> status,
                      const std::string& error, int64_t next_attempt_ms, int64_t now_ms,
                      int64_t duration_ms);
  // Pending deliveries over all live subscriptions.
  int64_t backlog();

 private:
  store::WriteQueue& writer_;
  const std::size_t max_subscriptions_;
  std::mutex read_mutex_;
  store::Database reader_;  // guarded by read_mutex_
};

}  // namespace driftd::alerts
