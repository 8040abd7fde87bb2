// The historical API's documents (store/history_queries.h) over a real
// database: a window whose values were all missing, metric series paged
// with a cursor, pages cut short by a connection's deadline.
#include "store/history_queries.h"

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "store/drift_store.h"
#include "tests/store/demo_store_fixture.h"
#include "tests/store/window_row_fixture.h"

namespace driftd::store {
namespace {

using Json = nlohmann::ordered_json;

struct Fixture {
  explicit Fixture(const std::string& name)
      : store(test::fresh_storage("history_queries_test", name)) {
    test::store_first_references(store, stream);
  }
  // Windows of "amount" starting at 0, 1000, ... (count of them).
  void insert_windows(int count) {
    Transaction transaction(store.database());
    for (int w = 0; w < count; ++w) {
      test::insert_window_row(store.database(), "demo", "amount", int64_t{w} * 1000, {1, 2, 3},
                              0, 0);
    }
    transaction.commit();
  }
  // Alert episodes of `stream` with ids 1..count.
  void insert_alerts(const std::string& stream_name, int count) {
    Transaction transaction(store.database());
    Statement insert = store.database().prepare(
        "INSERT INTO alerts (stream, feature, rule, metric, value, threshold, severity, state, "
        "window_start, window_end, opened_at, resolved_at, evidence) "
        "VALUES (?1, 'amount', 0, 'jsd', 0.5, 0.1, 'warn', 'resolved', ?2, ?2 + 1000, ?2, "
        "?2 + 1000, '{}')");
    for (int a = 0; a < count; ++a) {
      insert.bind(1, std::string_view(stream_name)).bind(2, int64_t{a} * 1000).run();
    }
    transaction.commit();
  }
  config::StreamConfig stream = test::demo_stream();
  DriftStore store;
};

MetricQuery amount_series(std::size_t limit) {
  MetricQuery query;
  query.stream = "demo";
  query.feature = "amount";
  query.metric = "n";
  query.limit = limit;
  return query;
}

std::vector<int64_t> starts(const Json& series) {
  std::vector<int64_t> out;
  for (const auto& point : series["points"]) out.push_back(point["start"].get<int64_t>());
  return out;
}

// Every start of the series, following next_cursor page after page.
std::vector<int64_t> follow(Database& db, MetricQuery query, std::vector<int64_t> seen) {
  while (true) {
    const Json page = metric_series_json(db, query);
    for (const int64_t start : starts(page)) seen.push_back(start);
    if (page["next_cursor"].is_null()) return seen;
    query.after_start = page["next_cursor"].get<int64_t>();
  }
}

TEST_CASE("a window whose every value was missing is shown, with nothing to compare") {
  Fixture fixture("all_missing");
  test::insert_window_row(fixture.store.database(), "demo", "amount", 1000, {0, 0, 0}, 5, 0);
  const int64_t id = fixture.store.database().last_insert_rowid();

  const Json window = window_json(fixture.store.database(), id);

  CHECK(window["n"] == 0);
  CHECK(window["missing"] == 5);
  CHECK(window["measures"]["jsd"].is_null());
  CHECK(window["measures"]["kl_pq"].is_null());
  REQUIRE(window["bins"].size() == 3);
  const std::vector<uint64_t> reference_counts = {1, 2, 1};  // amounts 5, 15, 25, 12
  for (std::size_t bin = 0; bin < 3; ++bin) {
    const Json& row = window["bins"][bin];
    CHECK(row["count"] == 0);
    CHECK(row["reference_count"] == reference_counts[bin]);
    CHECK(row["p"].is_null());  // no distribution: no value was binned
    CHECK(row["q"].is_number());
    CHECK(row["contribution"].is_null());
  }
}

TEST_CASE("a metric series pages with a cursor through every window exactly once") {
  Fixture fixture("series_pages");
  fixture.insert_windows(7);
  Database& db = fixture.store.database();

  const Json first = metric_series_json(db, amount_series(3));
  CHECK(starts(first) == std::vector<int64_t>{0, 1000, 2000});
  CHECK(first["next_cursor"] == 2000);
  CHECK(follow(db, amount_series(3), {}) ==
        std::vector<int64_t>{0, 1000, 2000, 3000, 4000, 5000, 6000});
  // A page that ends exactly at the last window says nothing follows.
  CHECK(metric_series_json(db, amount_series(7))["next_cursor"].is_null());
  MetricQuery bounded = amount_series(3);
  bounded.to = 2000;
  CHECK(metric_series_json(db, bounded)["next_cursor"].is_null());
}

TEST_CASE("a page stopped by the deadline is cut short with a cursor that continues it") {
  Fixture fixture("deadline_pages");
  constexpr int kWindows = 3000;
  fixture.insert_windows(kWindows);
  fixture.insert_alerts("demo", kWindows);
  Database& db = fixture.store.database();

  // Already passed: the statement stops at its first progress check, after
  // the first rows (an index walk yields rows at once).
  db.set_deadline(std::chrono::steady_clock::now());
  const Json series = metric_series_json(db, amount_series(100000));
  AlertQuery alert_query;
  alert_query.limit = 1000;
  const Json alerts = alerts_json(db, alert_query);
  db.set_deadline(std::nullopt);

  const std::vector<int64_t> cut = starts(series);
  REQUIRE_FALSE(cut.empty());
  CHECK(cut.size() < static_cast<std::size_t>(kWindows));
  CHECK(series["next_cursor"] == cut.back());
  MetricQuery rest = amount_series(100000);
  rest.after_start = series["next_cursor"].get<int64_t>();
  const std::vector<int64_t> all = follow(db, rest, cut);
  CHECK(all.size() == static_cast<std::size_t>(kWindows));
  CHECK(std::set<int64_t>(all.begin(), all.end()).size() == all.size());

  REQUIRE_FALSE(alerts["alerts"].empty());
  CHECK(alerts["alerts"].size() < 1000);
  CHECK(alerts["next_cursor"] == alerts["alerts"].back()["id"]);
}

TEST_CASE("a query stopped by the deadline before its first item throws SqliteInterrupted") {
  Fixture fixture("deadline_empty");
  fixture.insert_alerts("demo", 3000);
  Database& db = fixture.store.database();
  AlertQuery other_stream;  // matches nothing: the whole table is walked for it
  other_stream.stream = "other";

  db.set_deadline(std::chrono::steady_clock::now());
  CHECK_THROWS_AS(alerts_json(db, other_stream), SqliteInterrupted);
  db.set_deadline(std::nullopt);
  CHECK(alerts_json(db, other_stream)["alerts"].empty());
}

}  // namespace
}  // namespace driftd::store
