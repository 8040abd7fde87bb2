#include "store/alertmanager_tables.h"

#include <nlohmann/json.hpp>

#include "store/alert_event_reader.h"

namespace driftd::store {
namespace {

constexpr const char* kEntryColumns =
    "id, alert_id, severity, starts_at, ends_at, window_id, source";

AlertmanagerEntry read_entry(const Statement& row) {
  AlertmanagerEntry entry;
  entry.id = row.column_int(0);
  entry.alert_id = row.column_int(1);
  entry.severity = row.column_text(2);
  entry.starts_at = row.column_int(3);
  if (!row.is_null(4)) entry.ends_at = row.column_int(4);
  if (!row.is_null(5)) entry.window_id = row.column_int(5);
  entry.source = row.column_text(6);
  return entry;
}

// The id of the stored window an alert event was decided on: a feature's
// window_metrics row, a pair's or group's joint_window_metrics row;
// nullopt when it is not (or no longer) stored.
std::optional<int64_t> window_id_of(Database& db, const nlohmann::json& event) {
  const std::string kind = event.value("kind", "feature");
  const nlohmann::json& window = event.at("window");
  Statement query = db.prepare(
      kind == "feature"
          ? "SELECT max(id) FROM window_metrics WHERE stream = ?1 AND feature = ?2 "
            "AND window_start = ?3 AND window_end = ?4"
          : "SELECT max(id) FROM joint_window_metrics WHERE stream = ?1 AND name = ?2 "
            "AND window_start = ?3 AND window_end = ?4");
  query.bind(1, std::string_view(event.at("stream").get_ref<const std::string&>()))
      .bind(2, std::string_view(event.at("feature").get_ref<const std::string&>()))
      .bind(3, window.at("start").get<int64_t>())
      .bind(4, window.at("end").get<int64_t>());
  if (!query.step() || query.is_null(0)) return std::nullopt;
  return query.column_int(0);
}

void start_entry(Database& db, int64_t alert_id, const std::string& severity, int64_t at,
                 const std::string& source, const nlohmann::json& event) {
  Statement insert = db.prepare(
      "INSERT INTO alertmanager_alerts (alert_id, severity, starts_at, ends_at, window_id, "
      "source, next_send_at) VALUES (?1, ?2, ?3, NULL, ?4, ?5, 0)");
  insert.bind(1, alert_id).bind(2, std::string_view(severity)).bind(3, at);
  if (const std::optional<int64_t> window = window_id_of(db, event)) {
    insert.bind(4, *window);
  } else {
    insert.bind_null(4);
  }
  insert.bind(5, std::string_view(source)).run();
}

// Ends the alert's firing entry at `at`; with a `source` (a resolve), its
// annotations become that event's.
void end_entry(Database& db, int64_t alert_id, int64_t at, const std::string* source) {
  Statement update = db.prepare(
      "UPDATE alertmanager_alerts SET ends_at = ?2, next_send_at = 0, "
      "source = coalesce(?3, source) WHERE alert_id = ?1 AND ends_at IS NULL");
  update.bind(1, alert_id).bind(2, at);
  if (source != nullptr) {
    update.bind(3, std::string_view(*source));
  } else {
    update.bind_null(3);
  }
  update.run();
}

}  // namespace

int64_t open_alertmanager_outbox(Database& db, int64_t now_ms) {
  Statement cursor = db.prepare("SELECT delivered_through FROM publisher_cursors WHERE name = ?1");
  cursor.bind(1, std::string_view(kAlertmanagerCursor));
  int64_t through = 0;
  if (cursor.step()) {
    through = cursor.column_int(0);
  } else {
    // First start with Alertmanager: the alerts firing now, from their
    // latest event (an alert whose events retention deleted is not sent).
    through = last_alert_event_id(db);
    Statement firing = db.prepare(
        "SELECT a.id, a.severity, e.at, e.payload FROM alerts a "
        "JOIN alert_events e ON e.id = (SELECT max(id) FROM alert_events WHERE alert_id = a.id) "
        "WHERE a.state = 'firing' ORDER BY a.id");
    while (firing.step()) {
      const std::string source = firing.column_text(3);
      start_entry(db, firing.column_int(0), firing.column_text(1), firing.column_int(2), source,
                  nlohmann::json::parse(source));
    }
    db.prepare("INSERT INTO publisher_cursors VALUES (?1, ?2, ?3)")
        .bind(1, std::string_view(kAlertmanagerCursor))
        .bind(2, through)
        .bind(3, now_ms)
        .run();
  }
  db.execute("UPDATE alertmanager_alerts SET next_send_at = 0");
  return through;
}

void apply_alert_events(Database& db, std::span<const AlertEvent> events, int64_t now_ms) {
  for (const AlertEvent& event : events) {
    if (!event.delivered_here) continue;  // another cluster instance tells Alertmanager
    const nlohmann::json document = nlohmann::json::parse(event.json);
    const int64_t alert_id = document.at("alert_id").get<int64_t>();
    const int64_t at = document.at("at").get<int64_t>();
    if (event.transition == "resolved") {
      end_entry(db, alert_id, at, &event.json);
    } else {
      // fired (no firing entry: ending one is a no-op), escalated,
      // deescalated: the label set changes.
      end_entry(db, alert_id, at, nullptr);
      start_entry(db, alert_id, event.severity, at, event.json, document);
    }
  }
  db.prepare("UPDATE publisher_cursors SET delivered_through = ?2, updated_at = ?3 WHERE name = ?1")
      .bind(1, std::string_view(kAlertmanagerCursor))
      .bind(2, events.back().id)
      .bind(3, now_ms)
      .run();
}

void record_alertmanager_sent(Database& db, std::span<const AlertmanagerEntry> sent,
                              int64_t next_send_ms) {
  Statement remove = db.prepare("DELETE FROM alertmanager_alerts WHERE id = ?1");
  Statement resend = db.prepare(
      "UPDATE alertmanager_alerts SET next_send_at = ?2 WHERE id = ?1 AND ends_at IS NULL");
  for (const AlertmanagerEntry& entry : sent) {
    Statement& statement = entry.ends_at ? remove : resend;
    statement.bind(1, entry.id);
    if (!entry.ends_at) statement.bind(2, next_send_ms);
    statement.run();
  }
}

std::vector<AlertmanagerEntry> due_alertmanager_entries(Database& db, int64_t now_ms,
                                                        std::size_t limit) {
  Statement rows = db.prepare(std::string("SELECT ") + kEntryColumns +
                              " FROM alertmanager_alerts WHERE next_send_at <= ?1 "
                              "ORDER BY id LIMIT ?2");
  rows.bind(1, now_ms).bind(2, static_cast<int64_t>(limit));
  std::vector<AlertmanagerEntry> out;
  while (rows.step()) out.push_back(read_entry(rows));
  return out;
}

int64_t alertmanager_backlog(Database& db, int64_t now_ms) {
  Statement count =
      db.prepare("SELECT count(*) FROM alertmanager_alerts WHERE next_send_at <= ?1");
  count.bind(1, now_ms);
  count.step();
  return count.column_int(0);
}

}  // namespace driftd::store
