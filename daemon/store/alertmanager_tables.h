// The SQL of alertmanager_alerts (migrations/0008_alertmanager.sql): the
// label sets Prometheus Alertmanager must be told about, made from the alert
// events after the publisher cursor 'alertmanager' (store/publisher_cursor.h).
// Writes run on the writer's connection (write_queue.h), each function inside
// the caller's transaction; reads work on any connection.
//
// Entries, one per severity of an alert episode (Alertmanager identifies an
// alert by its labels, and severity is one):
//   fired                      a firing entry starts (at the event's time)
//   escalated / deescalated    the firing entry ends, a firing one of the new
//                              severity starts, both at the event's time
//   resolved                   the firing entry ends at the event's time
// A new or ended entry is due at once; a firing one sent is due again after
// the resend interval; an ended one sent is deleted.
//
// Thread safety: that of the connection passed in (sqlite.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "store/alert_event.h"
#include "store/sqlite.h"

namespace driftd::store {

inline constexpr const char* kAlertmanagerCursor = "alertmanager";

// One label set as Alertmanager is told about it.
struct AlertmanagerEntry {
  int64_t id = 0;  // alertmanager_alerts.id
  int64_t alert_id = 0;
  std::string severity;            // "warn" | "critical"
  int64_t starts_at = 0;           // ms
  std::optional<int64_t> ends_at;  // ms; nullopt while firing
  std::optional<int64_t> window_id;
  std::string source;  // the alert event document its annotations come from
};

// ---- writes (the writer's connection, in a transaction) ---------------------
// The cursor: the newest alert event applied. Created the first time at the
// newest event, with an entry for each alert firing then (from its latest
// event). Every entry is made due at once: what is firing is re-sent at start.
int64_t open_alertmanager_outbox(Database& db, int64_t now_ms);
// Applies `events` (the ones after the cursor, in id order) as the header
// says and advances the cursor to the last of them. REQUIRES: not empty.
void apply_alert_events(Database& db, std::span<const AlertEvent> events, int64_t now_ms);
// Alertmanager accepted `sent`: the ended entries among them are deleted,
// the firing ones are due again at `next_send_ms` (unless they ended since).
void record_alertmanager_sent(Database& db, std::span<const AlertmanagerEntry> sent,
                              int64_t next_send_ms);

// ---- reads (any connection) -------------------------------------------------
// The entries due at `now_ms`, oldest first, at most `limit`.
std::vector<AlertmanagerEntry> due_alertmanager_entries(Database& db, int64_t now_ms,
                                                        std::size_t limit);
// How many entries are due at `now_ms`.
int64_t alertmanager_backlog(Database& db, int64_t now_ms);

}  // namespace driftd::store
