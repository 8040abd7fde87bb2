// What happened, read from a driftd database: the answers of the historical
// API (GET /v1/alerts, /v1/metrics, /v1/windows/{id}, /v1/references) and of
// `driftctl ... --format json`, so both speak one schema (docs/api.md).
// Every function works on any connection, read-only ones included (safe
// while the daemon writes: WAL).
//
// Guarantees: bad arguments (unknown metric, malformed cursor) and missing
// rows throw driftd::InputError with a message for a person; the HTTP layer
// turns them into 400, 404 (NotFound) or 409 (Conflict).
//
// Paged answers (alerts_json, metric_series_json) hold at most `limit`
// items (the row cap) and a `next_cursor` that continues after the last one
// (null when nothing follows). On a connection with a deadline
// (Database::set_deadline()) a page that runs out of time is cut short
// where it is, with its cursor; one that runs out before its first item
// throws SqliteInterrupted, as does every other query.
//
// Thread safety: one Database per thread, as sqlite.h says.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "store/sqlite.h"

namespace driftd::store {

// A row that does not exist (HTTP 404).
class NotFound : public InputError {
 public:
  using InputError::InputError;
};

// A request the stored state refuses, such as a limit reached (HTTP 409).
class Conflict : public InputError {
 public:
  using InputError::InputError;
};

struct AlertQuery {
  std::string stream;    // "" = any
  std::string feature;   // "" = any
  std::string severity;  // "" = any; "warn" | "critical"
  std::string state;     // "" = any; "firing" | "resolved"
  // Alerts active at some time in [from, to) (ms): opened before `to`, and
  // firing or resolved at or after `from`.
  int64_t from = INT64_MIN;
  int64_t to = INT64_MAX;
  std::size_t limit = 100;            // 1..1000
  std::optional<int64_t> before_id;   // the cursor: alerts with a smaller id
};

// {"alerts": [...newest first...], "next_cursor": id | null}
nlohmann::ordered_json alerts_json(Database& db, const AlertQuery& query);

// The metrics a time series can be asked for: every measure of metrics.md,
// the G-test fields, the Gaussian KL parts, and n, missing, invalid, late.
bool is_series_metric(std::string_view metric);

struct MetricQuery {
  std::string stream;
  std::string feature;
  std::string metric;  // is_series_metric()
  // Windows starting in [from, to) (ms).
  int64_t from = INT64_MIN;
  int64_t to = INT64_MAX;
  std::size_t limit = 10000;            // 1..100000
  std::optional<int64_t> after_start;  // the cursor: windows starting after it
};

// {"stream", "feature", "metric", "points": [{"window_id", "start", "end",
// "n", "value"}], "next_cursor": start | null}, oldest first (a stream's
// feature has one window per start); value null when +inf or not computed.
// next_cursor is the last point's start. For a pair or group (by its name
// in `feature`): joint_metric_series_json() (joint_history_queries.h).
nlohmann::ordered_json metric_series_json(Database& db, const MetricQuery& query);

// One page of a subject's series of `metric`, for metric_series_json and
// joint_metric_series_json: the rows of `table` whose `subject_column`
// names query.feature; points {window_id, start, end, n, value} and the
// next page's cursor (null on the last page). Checks query.limit.
// REQUIRES: table, subject_column and metric are whitelisted names (they
// are spliced into the SQL).
struct SeriesPage {
  nlohmann::ordered_json points;
  nlohmann::ordered_json next_cursor;
};
SeriesPage metric_series_page(Database& db, const MetricQuery& query, std::string_view table,
                              std::string_view subject_column, const std::string& metric);

// One window row in full: counts, every measure, Gaussian KL, and each bin
// of its histogram against the reference it was compared with (counts,
// smoothed probabilities, contribution to kl_pq). A window with no value in
// any bin (n = 0: every value missing or invalid) has no distribution to
// compare: its measures are null, and so are each bin's p and
// contribution. Throws NotFound.
nlohmann::ordered_json window_json(Database& db, int64_t window_id);

// Every stored reference version of `stream` ("" = all streams).
nlohmann::ordered_json references_json(Database& db, const std::string& stream);

// One reference version's bins and counts (version 0 = the active one).
// Throws NotFound.
nlohmann::ordered_json reference_json(Database& db, const std::string& stream,
                                      const std::string& feature, int64_t version);

}  // namespace driftd::store
