// Retention of the alert delivery log: old events go once every consumer is
// past them, never while a live subscription still needs them or a Kafka
// cursor has not published them; attempts go by age; episodes stay.
#include "store/delivery_log_retention.h"

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "store/migrations.h"

namespace driftd::store {
namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kNow = 1'800'000'000'000;
constexpr int64_t kCutoff = kNow - 90 * kDay;

class DeliveryDb {
 public:
  explicit DeliveryDb(const std::string& name) : db_(path(name), Database::Mode::kReadWrite) {
    apply_migrations(db_, bundled_migrations());
    db_.execute("PRAGMA foreign_keys = ON");
    db_.execute(
        "INSERT INTO alerts (id, stream, feature, rule, metric, value, threshold, severity, "
        "state, window_start, window_end, opened_at, evidence) "
        "VALUES (1, 's', 'x', 0, 'jsd', 0.3, 0.1, 'warn', 'resolved', 0, 1, 0, '{}')");
    // Events 1..6: 1-4 a year old, 5-6 recent.
    for (int id = 1; id <= 6; ++id) {
      db_.prepare("INSERT INTO alert_events (id, alert_id, transition, severity, at, payload) "
                  "VALUES (?1, 1, 'fired', 'warn', ?2, '{}')")
          .bind(1, int64_t{id})
          .bind(2, id <= 4 ? kNow - 365 * kDay : kNow - kDay)
          .run();
    }
  }
  static std::filesystem::path path(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / "driftd_delivery_retention_test";
    std::filesystem::create_directories(dir);
    const auto file = dir / (name + ".db");
    std::filesystem::remove(file);
    return file;
  }
  // A subscription that enqueued everything through `through`.
  void subscription(int64_t id, int64_t through, bool deleted = false) {
    Statement insert =
        db_.prepare("INSERT INTO subscriptions VALUES (?1, 'http://h/', '{}', 'secret', 0, ?2, ?3)");
    insert.bind(1, id).bind(3, through);
    if (deleted) {
      insert.bind(2, int64_t{1});
    } else {
      insert.bind_null(2);
    }
    insert.run();
  }
  void outbox(int64_t subscription, int64_t event, bool delivered) {
    db_.prepare("INSERT INTO webhook_outbox (subscription_id, event_id, state, next_attempt_at, "
                "delivered_at) VALUES (?1, ?2, ?3, 0, CASE WHEN ?3 = 'delivered' THEN 1 END)")
        .bind(1, subscription)
        .bind(2, event)
        .bind(3, std::string_view(delivered ? "delivered" : "pending"))
        .run();
  }
  void attempt(int64_t subscription, int64_t at) {
    db_.prepare("INSERT INTO webhook_attempts (subscription_id, event_id, at, duration_ms) "
                "VALUES (?1, 1, ?2, 5)")
        .bind(1, subscription)
        .bind(2, at)
        .run();
  }
  int64_t count(const std::string& sql) {
    Statement query = db_.prepare(sql);
    query.step();
    return query.column_int(0);
  }
  Database& db() { return db_; }

 private:
  Database db_;
};

TEST_CASE("Old delivered events and attempts are pruned, episodes kept") {
  DeliveryDb db("delivered");
  db.subscription(1, 6);
  for (int64_t event = 1; event <= 6; ++event) db.outbox(1, event, true);
  db.attempt(1, kNow - 365 * kDay);
  db.attempt(1, kNow - kDay);
  const DeliveryLogPruned pruned = prune_delivery_log(db.db(), kCutoff);
  CHECK(pruned.alert_events == 4);
  CHECK(pruned.outbox_rows == 4);
  CHECK(pruned.attempts == 1);
  CHECK(db.count("SELECT min(id) FROM alert_events") == 5);
  CHECK(db.count("SELECT count(*) FROM webhook_outbox") == 2);
  CHECK(db.count("SELECT count(*) FROM alerts") == 1);
  CHECK(prune_delivery_log(db.db(), kCutoff).alert_events == 0);  // idempotent
}

TEST_CASE("A subscription still retrying an old event keeps it and everything after") {
  DeliveryDb db("pending");
  db.subscription(1, 6);
  db.outbox(1, 1, true);
  db.outbox(1, 2, true);
  db.outbox(1, 3, false);  // the receiver has been down for a year
  CHECK(prune_delivery_log(db.db(), kCutoff).alert_events == 2);
  CHECK(db.count("SELECT min(id) FROM alert_events") == 3);
}

TEST_CASE("A subscription that has not enqueued old events keeps them") {
  DeliveryDb db("enqueue");
  db.subscription(1, 2);
  CHECK(prune_delivery_log(db.db(), kCutoff).alert_events == 2);
  CHECK(db.count("SELECT min(id) FROM alert_events") == 3);
}

TEST_CASE("A deleted subscription holds nothing back") {
  DeliveryDb db("deleted");
  db.subscription(1, 0, /*deleted=*/true);
  db.outbox(1, 1, false);
  const DeliveryLogPruned pruned = prune_delivery_log(db.db(), kCutoff);
  CHECK(pruned.alert_events == 4);
  CHECK(pruned.outbox_rows == 1);
}

TEST_CASE("A Kafka alert topic cursor holds back what it has not published") {
  DeliveryDb db("cursor");
  db.db().execute("INSERT INTO publisher_cursors VALUES ('kafka:alerts', 1, 0)");
  CHECK(prune_delivery_log(db.db(), kCutoff).alert_events == 1);
  CHECK(db.count("SELECT min(id) FROM alert_events") == 2);
}

}  // namespace
}  // namespace driftd::store
