// alertmanager_alerts (store/alertmanager_tables.h): alert events become one
// entry per severity of an episode; what is due, what a send changes, what
// the first start seeds and what every start re-sends.
#include "store/alertmanager_tables.h"

#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "store/alert_event_reader.h"
#include "store/migrations.h"

namespace driftd::store {
namespace {

constexpr int64_t kT0 = 1'800'000'000'000;
constexpr int64_t kResend = 60'000;

class OutboxDb {
 public:
  explicit OutboxDb(const std::string& name) : db_(path(name), Database::Mode::kReadWrite) {
    apply_migrations(db_, bundled_migrations());
    // Window 0-500 of s/x is stored (id 42); alert 4 fires on it.
    db_.execute(
        "INSERT INTO window_metrics (id, stream, feature, window_start, window_end, reference_id, "
        "n, missing, invalid, late, histogram, closed_at) "
        "VALUES (42, 's', 'x', 0, 500, 1, 500, 0, 0, 0, x'', 0)");
    db_.execute(
        "INSERT INTO alerts (id, stream, feature, rule, metric, value, threshold, severity, "
        "state, window_start, window_end, opened_at, evidence) "
        "VALUES (4, 's', 'x', 0, 'jsd', 0.3, 0.1, 'warn', 'firing', 0, 500, 0, '{}')");
  }
  static std::filesystem::path path(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / "driftd_alertmanager_tables_test";
    std::filesystem::create_directories(dir);
    const auto file = dir / (name + ".db");
    std::filesystem::remove(file);
    return file;
  }
  // Commits alert event `id` of alert 4 at `at`, as the window commit does.
  void event(int64_t id, const std::string& transition, const std::string& severity, int64_t at,
             int64_t window_start = 0) {
    const nlohmann::json payload = {
        {"event_id", id},      {"alert_id", 4},          {"at", at},
        {"stream", "s"},       {"feature", "x"},         {"kind", "feature"},
        {"transition", transition}, {"severity", severity}, {"metric", "jsd"},
        {"value", 0.3},        {"threshold", 0.1},
        {"window", {{"start", window_start}, {"end", window_start + 500}}}};
    db_.prepare("INSERT INTO alert_events (id, alert_id, transition, severity, at, payload) "
                "VALUES (?1, 4, ?2, ?3, ?4, ?5)")
        .bind(1, id)
        .bind(2, std::string_view(transition))
        .bind(3, std::string_view(severity))
        .bind(4, at)
        .bind(5, std::string_view(payload.dump()))
        .run();
  }
  // What the notifier does with the events after the cursor.
  void apply_new_events(int64_t& cursor) {
    const std::vector<AlertEvent> events = read_alert_events(db_, cursor, 100);
    if (events.empty()) return;
    Transaction transaction(db_);
    apply_alert_events(db_, events, kT0);
    transaction.commit();
    cursor = events.back().id;
  }
  int64_t cursor() {
    Statement query =
        db_.prepare("SELECT delivered_through FROM publisher_cursors WHERE name = 'alertmanager'");
    REQUIRE(query.step());
    return query.column_int(0);
  }
  Database& db() { return db_; }

 private:
  Database db_;
};

TEST_CASE("Fire, escalate, resolve: one entry per severity, each sent until accepted") {
  OutboxDb db("lifecycle");
  int64_t cursor = open_alertmanager_outbox(db.db(), kT0);
  CHECK(cursor == 0);
  CHECK(due_alertmanager_entries(db.db(), kT0, 100).empty());

  db.event(1, "fired", "warn", kT0 + 1000);
  db.apply_new_events(cursor);
  CHECK(db.cursor() == 1);
  std::vector<AlertmanagerEntry> due = due_alertmanager_entries(db.db(), kT0 + 1000, 100);
  REQUIRE(due.size() == 1);
  CHECK(due[0].alert_id == 4);
  CHECK(due[0].severity == "warn");
  CHECK(due[0].starts_at == kT0 + 1000);
  CHECK_FALSE(due[0].ends_at);
  CHECK(due[0].window_id == std::optional<int64_t>(42));
  CHECK(nlohmann::json::parse(due[0].source)["transition"] == "fired");
  CHECK(alertmanager_backlog(db.db(), kT0 + 1000) == 1);

  // Accepted: due again one resend interval later, not before.
  record_alertmanager_sent(db.db(), due, kT0 + 1000 + kResend);
  CHECK(due_alertmanager_entries(db.db(), kT0 + 1000 + kResend - 1, 100).empty());
  CHECK(alertmanager_backlog(db.db(), kT0 + 1000 + kResend - 1) == 0);
  CHECK(due_alertmanager_entries(db.db(), kT0 + 1000 + kResend, 100).size() == 1);

  // Escalated on a window that is not stored: the warn label set ends, a
  // critical one starts; both due at once, the ended one first.
  db.event(2, "escalated", "critical", kT0 + 5000, /*window_start=*/500);
  db.apply_new_events(cursor);
  due = due_alertmanager_entries(db.db(), kT0 + 5000, 100);
  REQUIRE(due.size() == 2);
  CHECK(due[0].severity == "warn");
  CHECK(due[0].ends_at == std::optional<int64_t>(kT0 + 5000));
  CHECK(due[1].severity == "critical");
  CHECK(due[1].starts_at == kT0 + 5000);
  CHECK_FALSE(due[1].ends_at);
  CHECK_FALSE(due[1].window_id);

  // A failed POST changes nothing: the same two are still due.
  CHECK(due_alertmanager_entries(db.db(), kT0 + 9000, 100).size() == 2);
  record_alertmanager_sent(db.db(), due, kT0 + 5000 + kResend);
  CHECK(due_alertmanager_entries(db.db(), kT0 + 5000, 100).empty());

  // Resolved: the critical entry ends, with the resolve event's annotations,
  // and is deleted once Alertmanager accepted it.
  db.event(3, "resolved", "critical", kT0 + 9000);
  db.apply_new_events(cursor);
  due = due_alertmanager_entries(db.db(), kT0 + 9000, 100);
  REQUIRE(due.size() == 1);
  CHECK(due[0].severity == "critical");
  CHECK(due[0].starts_at == kT0 + 5000);
  CHECK(due[0].ends_at == std::optional<int64_t>(kT0 + 9000));
  CHECK(nlohmann::json::parse(due[0].source)["transition"] == "resolved");
  record_alertmanager_sent(db.db(), due, kT0 + 9000 + kResend);
  CHECK(due_alertmanager_entries(db.db(), kT0 + 1'000'000'000, 100).empty());
  CHECK(db.cursor() == 3);
}

TEST_CASE("An entry that ended while its firing POST was out is not rescheduled") {
  OutboxDb db("ended_in_flight");
  int64_t cursor = open_alertmanager_outbox(db.db(), kT0);
  db.event(1, "fired", "warn", kT0);
  db.apply_new_events(cursor);
  const std::vector<AlertmanagerEntry> sent = due_alertmanager_entries(db.db(), kT0, 100);
  db.event(2, "resolved", "warn", kT0 + 10);
  db.apply_new_events(cursor);
  record_alertmanager_sent(db.db(), sent, kT0 + kResend);
  const std::vector<AlertmanagerEntry> due = due_alertmanager_entries(db.db(), kT0 + 10, 100);
  REQUIRE(due.size() == 1);
  CHECK(due[0].ends_at == std::optional<int64_t>(kT0 + 10));
}

TEST_CASE("The first start sends the alerts firing then, every start re-sends what fires") {
  OutboxDb db("first_start");
  db.event(1, "fired", "warn", kT0);
  db.event(2, "escalated", "critical", kT0 + 100);
  db.db().execute("UPDATE alerts SET severity = 'critical'");
  // Configured after both events: the cursor starts after them and alert 4
  // (firing) gets an entry from its latest event.
  CHECK(open_alertmanager_outbox(db.db(), kT0 + 200) == 2);
  std::vector<AlertmanagerEntry> due = due_alertmanager_entries(db.db(), kT0 + 200, 100);
  REQUIRE(due.size() == 1);
  CHECK(due[0].severity == "critical");
  CHECK(due[0].starts_at == kT0 + 100);
  record_alertmanager_sent(db.db(), due, kT0 + 200 + kResend);
  CHECK(due_alertmanager_entries(db.db(), kT0 + 300, 100).empty());

  // A restart: the same cursor, nothing seeded twice, and the firing entry
  // due at once.
  CHECK(open_alertmanager_outbox(db.db(), kT0 + 300) == 2);
  due = due_alertmanager_entries(db.db(), kT0 + 300, 100);
  REQUIRE(due.size() == 1);
  CHECK(due[0].starts_at == kT0 + 100);
}

TEST_CASE("Due entries come oldest first, at most the limit") {
  OutboxDb db("limit");
  int64_t cursor = open_alertmanager_outbox(db.db(), kT0);
  db.event(1, "fired", "warn", kT0);
  db.event(2, "escalated", "critical", kT0 + 1);
  db.event(3, "deescalated", "warn", kT0 + 2);
  db.apply_new_events(cursor);
  const std::vector<AlertmanagerEntry> due = due_alertmanager_entries(db.db(), kT0 + 2, 2);
  REQUIRE(due.size() == 2);
  CHECK(due[0].id < due[1].id);
  CHECK(due[0].starts_at == kT0);
  CHECK(due[1].starts_at == kT0 + 1);
  CHECK(alertmanager_backlog(db.db(), kT0 + 2) == 3);
}

}  // namespace
}  // namespace driftd::store
