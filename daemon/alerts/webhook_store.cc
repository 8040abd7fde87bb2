#include "alerts/webhook_store.h"

#include <chrono>
#include <utility>

#include "alerts/alert_filter.h"
#include "alerts/webhook_target.h"
#include "common/error.h"
#include "store/alert_event_reader.h"
#include "store/history_queries.h"

namespace driftd::alerts {
namespace {

using Json = nlohmann::ordered_json;
constexpr std::size_t kMinSecretLength = 16;
constexpr const char* kFilterKeys[] = {"stream", "feature", "severity", "state"};

// {"stream": "a" | ["a", ...], ...} -> the (name, value) pairs AlertFilter reads.
std::vector<std::pair<std::string, std::string>> filter_pairs(const nlohmann::json& filters) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [key, value] : filters.items()) {
    if (std::find(std::begin(kFilterKeys), std::end(kFilterKeys), key) == std::end(kFilterKeys)) {
      throw InputError("filters." + key + ": unknown filter (expected stream, feature, severity, state)");
    }
    const auto add = [&](const nlohmann::json& element) {
      if (!element.is_string()) throw InputError("filters." + key + ": must be strings");
      pairs.emplace_back(key, element.get<std::string>());
    };
    if (value.is_array()) {
      for (const auto& element : value) add(element);
    } else {
      add(value);
    }
  }
  return pairs;
}

// The stored form: every filter as an array of values.
nlohmann::json normalized_filters(const std::vector<std::pair<std::string, std::string>>& pairs) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : pairs) out[key].push_back(value);
  return out;
}

}  // namespace

WebhookStore::WebhookStore(const std::filesystem::path& database)
    : db_(database, store::Database::Mode::kReadWrite) {}

Json WebhookStore::add(const nlohmann::json& request,
                       const std::optional<std::vector<std::string>>& allowlist,
                       int64_t max_subscriptions) {
  if (!request.is_object()) throw InputError("the body must be a JSON object");
  for (const auto& [key, value] : request.items()) {
    if (key != "url" && key != "secret" && key != "filters") {
      throw InputError(key + ": unknown field (expected url, secret, filters)");
    }
  }
  if (!request.contains("url") || !request["url"].is_string()) {
    throw InputError("url: required, a string");
  }
  const std::string url = request["url"].get<std::string>();
  const WebhookTarget target = WebhookTarget::parse(url);
  if (!target.allowed_by(allowlist)) {
    throw InputError("url: " + target.host + ":" + target.port +
                     " is not in webhooks.allowlist");
  }
  if (!request.contains("secret") || !request["secret"].is_string() ||
      request["secret"].get<std::string>().size() < kMinSecretLength) {
    throw InputError("secret: required, a string of at least " +
                     std::to_string(kMinSecretLength) + " characters (the HMAC key)");
  }
  nlohmann::json filters = nlohmann::json::object();
  if (request.contains("filters")) {
    if (!request["filters"].is_object()) throw InputError("filters: must be an object");
    const auto pairs = filter_pairs(request["filters"]);
    AlertFilter::parse(pairs);  // validates the values
    filters = normalized_filters(pairs);
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::lock_guard lock(mutex_);
  store::Transaction transaction(db_);
  const int64_t live = [&] {
    store::Statement count = db_.prepare("SELECT count(*) FROM subscriptions WHERE deleted_at IS NULL");
    count.step();
    return count.column_int(0);
  }();
  if (live >= max_subscriptions) {
    throw store::Conflict("the limit of " + std::to_string(max_subscriptions) +
                          " subscriptions (webhooks.max_subscriptions) is reached; delete one first");
  }
  const int64_t from = store::last_alert_event_id(db_);
  db_.prepare(
         "INSERT INTO subscriptions (url, filters, secret, created_at, enqueued_through) "
         "VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, std::string_view(url))
      .bind(2, std::string_view(filters.dump()))
      .bind(3, std::string_view(request["secret"].get<std::string>()))
      .bind(4, now)
      .bind(5, from)
      .run();
  const int64_t id = db_.last_insert_rowid();
  transaction.commit();
  return {{"id", id},
          {"url", url},
          {"filters", Json::parse(filters.dump())},
          {"created_at", now},
          {"after_event_id", from}};
}

void WebhookStore::remove(int64_t id) {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::lock_guard lock(mutex_);
  db_.prepare("UPDATE subscriptions SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL")
      .bind(1, id)
      .bind(2, now)
      .run();
  if (db_.changes() == 0) throw store::NotFound("no subscription with id " + std::to_string(id));
}

Json WebhookStore::list() {
  std::lock_guard lock(mutex_);
  store::Statement rows = db_.prepare(
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

Json WebhookStore::attempts(int64_t id, std::size_t limit) {
  std::lock_guard lock(mutex_);
  store::Statement exists = db_.prepare("SELECT 1 FROM subscriptions WHERE id = ?1");
  exists.bind(1, id);
  if (!exists.step()) throw store::NotFound("no subscription with id " + std::to_string(id));
  store::Statement rows = db_.prepare(
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

std::size_t WebhookStore::enqueue(std::size_t max_events, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  // Most calls find nothing new: answer those without taking the write lock
  // the window manager's commits need.
  store::Statement behind = db_.prepare(
      "SELECT count(*) FROM subscriptions WHERE deleted_at IS NULL AND enqueued_through < "
      "coalesce((SELECT max(id) FROM alert_events), 0)");
  behind.step();
  if (behind.column_int(0) == 0) return 0;
  behind.reset();
  store::Transaction transaction(db_);
  store::Statement subscriptions = db_.prepare(
      "SELECT id, filters, enqueued_through FROM subscriptions WHERE deleted_at IS NULL");
  std::vector<std::tuple<int64_t, AlertFilter, int64_t>> live;
  while (subscriptions.step()) {
    live.emplace_back(subscriptions.column_int(0),
                      AlertFilter::parse(filter_pairs(nlohmann::json::parse(
                          subscriptions.column_text(1)))),
                      subscriptions.column_int(2));
  }
  store::Statement insert = db_.prepare(
      "INSERT OR IGNORE INTO webhook_outbox (subscription_id, event_id, state, next_attempt_at) "
      "VALUES (?1, ?2, 'pending', ?3)");
  store::Statement advance =
      db_.prepare("UPDATE subscriptions SET enqueued_through = ?2 WHERE id = ?1");
  std::size_t added = 0;
  for (const auto& [id, filter, through] : live) {
    const std::vector<store::AlertEvent> events = store::read_alert_events(db_, through, max_events);
    if (events.empty()) continue;
    for (const store::AlertEvent& event : events) {
      if (!filter.matches(event)) continue;
      insert.bind(1, id).bind(2, event.id).bind(3, now_ms).run();
      added += static_cast<std::size_t>(db_.changes());
    }
    advance.bind(1, id).bind(2, events.back().id).run();
  }
  transaction.commit();
  return added;
}

std::vector<Delivery> WebhookStore::due(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  store::Statement rows = db_.prepare(
      "SELECT o.subscription_id, o.event_id, s.url, s.secret, e.payload, o.attempts "
      "FROM webhook_outbox o JOIN subscriptions s ON s.id = o.subscription_id "
      "JOIN alert_events e ON e.id = o.event_id "
      "WHERE o.state = 'pending' AND s.deleted_at IS NULL AND o.next_attempt_at <= ?1 "
      "AND o.event_id = (SELECT min(event_id) FROM webhook_outbox h "
      "  WHERE h.subscription_id = o.subscription_id AND h.state = 'pending') "
      "ORDER BY o.subscription_id");
  rows.bind(1, now_ms);
  std::vector<Delivery> out;
  while (rows.step()) {
    out.push_back({rows.column_int(0), rows.column_int(1), rows.column_text(2),
                   rows.column_text(3), rows.column_text(4), rows.column_int(5)});
  }
  return out;
}

void WebhookStore::record_success(const Delivery& delivery, int status, int64_t now_ms,
                                  int64_t duration_ms) {
  std::lock_guard lock(mutex_);
  store::Transaction transaction(db_);
  db_.prepare(
         "UPDATE webhook_outbox SET state = 'delivered', attempts = attempts + 1, "
         "last_status = ?3, last_error = NULL, delivered_at = ?4 "
         "WHERE subscription_id = ?1 AND event_id = ?2")
      .bind(1, delivery.subscription_id)
      .bind(2, delivery.event_id)
      .bind(3, int64_t{status})
      .bind(4, now_ms)
      .run();
  db_.prepare(
         "INSERT INTO webhook_attempts (subscription_id, event_id, at, status, error, "
         "duration_ms) VALUES (?1, ?2, ?3, ?4, NULL, ?5)")
      .bind(1, delivery.subscription_id)
      .bind(2, delivery.event_id)
      .bind(3, now_ms)
      .bind(4, int64_t{status})
      .bind(5, duration_ms)
      .run();
  transaction.commit();
}

void WebhookStore::record_failure(const Delivery& delivery, std::optional<int> status,
                                  const std::string& error, int64_t next_attempt_ms,
                                  int64_t now_ms, int64_t duration_ms) {
  std::lock_guard lock(mutex_);
  store::Transaction transaction(db_);
  store::Statement update = db_.prepare(
      "UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ?3, "
      "last_status = ?4, last_error = ?5 WHERE subscription_id = ?1 AND event_id = ?2");
  update.bind(1, delivery.subscription_id).bind(2, delivery.event_id).bind(3, next_attempt_ms);
  store::Statement log = db_.prepare(
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
  transaction.commit();
}

int64_t WebhookStore::backlog() {
  std::lock_guard lock(mutex_);
  store::Statement count = db_.prepare(
      "SELECT count(*) FROM webhook_outbox o JOIN subscriptions s ON s.id = o.subscription_id "
      "WHERE o.state = 'pending' AND s.deleted_at IS NULL");
  count.step();
  return count.column_int(0);
}

}  // namespace driftd::alerts
