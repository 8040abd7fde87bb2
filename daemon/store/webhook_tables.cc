#include "store/webhook_tables.h"

#include "store/alert_event_reader.h"
#include "store/history_queries.h"

namespace driftd::store {
namespace {

using Json = nlohmann::ordered_json;

}  // namespace

Json add_subscription(Database& db, const NewSubscription& subscription,
                      std::size_t max_subscriptions, int64_t now_ms) {
  Statement live = db.prepare("SELECT count(*) FROM subscriptions WHERE deleted_at IS NULL");
  live.step();
  if (static_cast<uint64_t>(live.column_int(0)) >= max_subscriptions) {
    throw Conflict("the limit of " + std::to_string(max_subscriptions) +
                   " subscriptions (webhooks.max_subscriptions) is reached; delete one first");
  }
  const int64_t from = last_alert_event_id(db);
  db.prepare(
        "INSERT INTO subscriptions (url, filters, secret, created_at, enqueued_through) "
        "VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, std::string_view(subscription.url))
      .bind(2, std::string_view(subscription.filters))
      .bind(3, std::string_view(subscription.secret))
      .bind(4, now_ms)
      .bind(5, from)
      .run();
  return {{"id", db.last_insert_rowid()},
          {"url", subscription.url},
          {"filters", Json::parse(subscription.filters)},
          {"created_at", now_ms},
          {"after_event_id", from}};
}

void remove_subscription(Database& db, int64_t id, int64_t now_ms) {
  db.prepare("UPDATE subscriptions SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL")
      .bind(1, id)
      .bind(2, now_ms)
      .run();
  if (db.changes() == 0) throw NotFound("no subscription with id " + std::to_string(id));
}

std::size_t append_to_outbox(Database& db, int64_t subscription_id, int64_t from,
                             int64_t through, std::span<const int64_t> event_ids,
                             int64_t now_ms) {
  db.prepare(
        "UPDATE subscriptions SET enqueued_through = ?3 "
        "WHERE id = ?1 AND enqueued_through = ?2 AND deleted_at IS NULL")
      .bind(1, subscription_id)
      .bind(2, from)
      .bind(3, through)
      .run();
  if (db.changes() == 0) return 0;
  Statement insert = db.prepare(
      "INSERT OR IGNORE INTO webhook_outbox (subscription_id, event_id, state, next_attempt_at) "
      "VALUES (?1, ?2, 'pending', ?3)");
  std::size_t added = 0;
  for (const int64_t event_id : event_ids) {
    insert.bind(1, subscription_id).bind(2, event_id).bind(3, now_ms).run();
    added += static_cast<std::size_t>(db.changes());
  }
  return added;
}

void record_delivery_success(Database& db, const WebhookDelivery& delivery, int status,
                             int64_t now_ms, int64_t duration_ms) {
  db.prepare(
        "UPDATE webhook_outbox SET state = 'delivered', attempts = attempts + 1, "
        "last_status = ?3, last_error = NULL, delivered_at = ?4 "
        "WHERE subscription_id = ?1 AND event_id = ?2")
      .bind(1, delivery.subscription_id)
      .bind(2, delivery.event_id)
      .bind(3, int64_t{status})
      .bind(4, now_ms)
      .run();
  db.prepare(
        "INSERT INTO webhook_attempts (subscription_id, event_id, at, status, error, "
        "duration_ms) VALUES (?1, ?2, ?3, ?4, NULL, ?5)")
      .bind(1, delivery.subscription_id)
      .bind(2, delivery.event_id)
      .bind(3, now_ms)
      .bind(4, int64_t{status})
      .bind(5, duration_ms)
      .run();
}

void record_delivery_failure(Database& db, const WebhookDelivery& delivery,
                             std::optional<int> status, const std::string& error,
                             int64_t next_attempt_ms, int64_t now_ms, int64_t duration_ms) {
  Statement update = db.prepare(
      "UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ?3, "
      "last_status = ?4, last_error = ?5 WHERE subscription_id = ?1 AND event_id = ?2");
  update.bind(1, delivery.subscription_id).bind(2, delivery.event_id).bind(3, next_attempt_ms);
  Statement log = db.prepare(
      "INSERT INTO webhook_attempts (subscription_id, event_id, at, status, error, duration_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  log.bind(1, delivery.subscription_id).bind(2, delivery.event_id).bind(3, now_ms);
  if (status) {
    update.bind(4, int64_t{*status});
    log.bind(4, int64_t{*status});
  } else {
    update.bind_null(4);
    log.bind_null(4);
  }
  update.bind(5, std::string_view(error)).run();
  log.bind(5, std::string_view(error)).bind(6, duration_ms).run();
}

Json list_subscriptions(Database& db) {
  Statement rows = db.prepare(
      "SELECT s.id, s.url, s.filters, s.created_at, "
      "(SELECT count(*) FROM webhook_outbox o WHERE o.subscription_id = s.id "
      " AND o.state = 'pending'), "
      "(SELECT count(*) FROM webhook_outbox o WHERE o.subscription_id = s.id "
      " AND o.state = 'delivered'), "
      "(SELECT max(event_id) FROM webhook_outbox o WHERE o.subscription_id = s.id "
      " AND o.state = 'delivered'), "
      "h.attempts, h.next_attempt_at, h.last_status, h.last_error "
      "FROM subscriptions s LEFT JOIN webhook_outbox h ON h.subscription_id = s.id "
      " AND h.event_id = (SELECT min(event_id) FROM webhook_outbox o "
      "  WHERE o.subscription_id = s.id AND o.state = 'pending') "
      "WHERE s.deleted_at IS NULL ORDER BY s.id");
  Json out = Json::array();
  while (rows.step()) {
    Json subscription = {{"id", rows.column_int(0)},
                         {"url", rows.column_text(1)},
                         {"filters", Json::parse(rows.column_text(2))},
                         {"created_at", rows.column_int(3)},
                         {"pending", rows.column_int(4)},
                         {"delivered", rows.column_int(5)},
                         {"delivered_through",
                          rows.is_null(6) ? Json(nullptr) : Json(rows.column_int(6))}};
    if (!rows.is_null(7)) {
      subscription["head"] = {{"attempts", rows.column_int(7)},
                              {"next_attempt_at", rows.column_int(8)},
                              {"last_status", rows.is_null(9) ? Json(nullptr)
                                                              : Json(rows.column_int(9))},
                              {"last_error", rows.is_null(10) ? Json(nullptr)
                                                              : Json(rows.column_text(10))}};
    }
    out.push_back(std::move(subscription));
  }
  return {{"subscriptions", out}};
}

Json subscription_attempts(Database& db, int64_t id, std::size_t limit) {
  Statement exists = db.prepare("SELECT 1 FROM subscriptions WHERE id = ?1");
  exists.bind(1, id);
  if (!exists.step()) throw NotFound("no subscription with id " + std::to_string(id));
  Statement rows = db.prepare(
      "SELECT event_id, at, status, error, duration_ms FROM webhook_attempts "
      "WHERE subscription_id = ?1 ORDER BY id DESC LIMIT ?2");
  rows.bind(1, id).bind(2, static_cast<int64_t>(limit));
  Json out = Json::array();
  while (rows.step()) {
    out.push_back({{"event_id", rows.column_int(0)},
                   {"at", rows.column_int(1)},
                   {"status", rows.is_null(2) ? Json(nullptr) : Json(rows.column_int(2))},
                   {"error", rows.is_null(3) ? Json(nullptr) : Json(rows.column_text(3))},
                   {"duration_ms", rows.column_int(4)}});
  }
  return {{"subscription", id}, {"attempts", out}};
}

std::vector<SubscriptionCursor> subscriptions_behind(Database& db) {
  Statement rows = db.prepare(
      "SELECT id, filters, enqueued_through FROM subscriptions WHERE deleted_at IS NULL "
      "AND enqueued_through < coalesce((SELECT max(id) FROM alert_events), 0) ORDER BY id");
  std::vector<SubscriptionCursor> out;
  while (rows.step()) out.push_back({rows.column_int(0), rows.column_text(1), rows.column_int(2)});
  return out;
}

std::vector<WebhookDelivery> due_deliveries(Database& db, int64_t now_ms) {
  Statement rows = db.prepare(
      "SELECT o.subscription_id, o.event_id, s.url, s.secret, e.payload, o.attempts "
      "FROM webhook_outbox o JOIN subscriptions s ON s.id = o.subscription_id "
      "JOIN alert_events e ON e.id = o.event_id "
      "WHERE o.state = 'pending' AND s.deleted_at IS NULL AND o.next_attempt_at <= ?1 "
      "AND o.event_id = (SELECT min(event_id) FROM webhook_outbox h "
      "  WHERE h.subscription_id = o.subscription_id AND h.state = 'pending') "
      "ORDER BY o.subscription_id");
  rows.bind(1, now_ms);
  std::vector<WebhookDelivery> out;
  while (rows.step()) {
    out.push_back({rows.column_int(0), rows.column_int(1), rows.column_text(2),
                   rows.column_text(3), rows.column_text(4), rows.column_int(5)});
  }
  return out;
}

int64_t webhook_backlog(Database& db) {
  Statement count = db.prepare(
      "SELECT count(*) FROM webhook_outbox o JOIN subscriptions s ON s.id = o.subscription_id "
      "WHERE o.state = 'pending' AND s.deleted_at IS NULL");
  count.step();
  return count.column_int(0);
}

}  // namespace driftd::store
