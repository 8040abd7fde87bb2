// The webhook tables (migrations/0003_webhooks.sql) on a connection of their
// own: subscriptions for the API, the outbox and the attempt log for the
// dispatcher.
//
// Guarantees: add() refuses (InputError, naming the field) a bad url, a
// target outside the allowlist, a short secret or a bad filter, and
// (store::Conflict) a subscription beyond the cap, counted in the
// transaction that inserts it; attempts()
// and remove() throw store::NotFound for an unknown subscription. Secrets are
// never returned.
//
// Thread safety: every member from any thread (one mutex around the
// connection; each call is short).
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

namespace driftd::alerts {

// One pending delivery at the head of its subscription's outbox.
struct Delivery {
  int64_t subscription_id;
  int64_t event_id;
  std::string url;
  std::string secret;
  std::string body;  // the alert event document
  int64_t attempts;  // failed so far
};

class WebhookStore {
 public:
  explicit WebhookStore(const std::filesystem::path& database);

  // ---- API -----------------------------------------------------------------
  // {"url", "secret", "filters": {"stream": "a" | ["a", ...], "feature", "severity",
  // "state"}} -> the subscription (id, url, filters, created_at); it gets
  // the alert events committed from now on. Throws store::Conflict when
  // `max_subscriptions` live subscriptions exist already.
  nlohmann::ordered_json add(const nlohmann::json& request,
                             const std::optional<std::vector<std::string>>& allowlist,
                             int64_t max_subscriptions);
  void remove(int64_t id);
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
  std::mutex mutex_;
  store::Database db_;
};

}  // namespace driftd::alerts
