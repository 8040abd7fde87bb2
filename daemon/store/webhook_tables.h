// The SQL of the webhook tables (migrations/0003_webhooks.sql):
// subscriptions, the outbox each subscription is delivered from, and the
// attempt log. Writes run on the writer's connection (write_queue.h), each
// function inside the caller's transaction; reads work on any connection,
// read-only ones included.
//
// Guarantees: remove_subscription() and subscription_attempts() throw
// NotFound for an unknown subscription; add_subscription() throws
// Conflict (history_queries.h) when `max_subscriptions` live ones exist. Secrets are
// never returned by the listing functions.
//
// Thread safety: that of the connection passed in (sqlite.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/sqlite.h"

namespace driftd::store {

// A subscription as the API validated it.
struct NewSubscription {
  std::string url;
  std::string filters;  // JSON: every filter as an array of values
  std::string secret;
};

// One pending delivery at the head of its subscription's outbox.
struct WebhookDelivery {
  int64_t subscription_id;
  int64_t event_id;
  std::string url;
  std::string secret;
  std::string body;  // the alert event document
  int64_t attempts;  // failed so far
};

// Where a live subscription's outbox stands.
struct SubscriptionCursor {
  int64_t id;
  std::string filters;       // as stored
  int64_t enqueued_through;  // every event id <= this is in its outbox or did not match
};

// ---- writes (the writer's connection, in a transaction) ---------------------
// Inserts the subscription; it gets the alert events committed after it.
// Returns {id, url, filters, created_at, after_event_id}.
nlohmann::ordered_json add_subscription(Database& db, const NewSubscription& subscription,
                                        std::size_t max_subscriptions, int64_t now_ms);
void remove_subscription(Database& db, int64_t id, int64_t now_ms);
// Appends `event_ids` (all in (from, through]) to the subscription's outbox
// and advances its enqueued_through from `from` to `through`. Does nothing
// and returns 0 when the subscription is gone or no longer stands at `from`
// (another enqueue got there first). Returns the rows added.
std::size_t append_to_outbox(Database& db, int64_t subscription_id, int64_t from,
                             int64_t through, std::span<const int64_t> event_ids,
                             int64_t now_ms);
void record_delivery_success(Database& db, const WebhookDelivery& delivery, int status,
                             int64_t now_ms, int64_t duration_ms);
void record_delivery_failure(Database& db, const WebhookDelivery& delivery,
                             std::optional<int> status, const std::string& error,
                             int64_t next_attempt_ms, int64_t now_ms, int64_t duration_ms);

// ---- reads (any connection) -------------------------------------------------
// Every live subscription with its outbox state: {"subscriptions": [...]}.
nlohmann::ordered_json list_subscriptions(Database& db);
// The latest attempts of one subscription, newest first.
nlohmann::ordered_json subscription_attempts(Database& db, int64_t id, std::size_t limit);
// The live subscriptions whose outbox is behind the newest alert event.
std::vector<SubscriptionCursor> subscriptions_behind(Database& db);
// For each live subscription, its oldest pending delivery when it is due.
std::vector<WebhookDelivery> due_deliveries(Database& db, int64_t now_ms);
// Pending deliveries over all live subscriptions.
int64_t webhook_backlog(Database& db);

}  // namespace driftd::store
