#include "store/joint_history_queries.h"

#include <algorithm>
#include <array>

namespace driftd::store {
namespace {

using Json = nlohmann::ordered_json;

// joint_window_metrics columns that hold a number per window.
constexpr std::array<std::string_view, 26> kJointSeriesColumns{
    "n",
    "incomplete",
    "late",
    "kl_joint",
    "jsd",
    "hellinger",
    "tv",
    "psi",
    "jsd_corrected",
    "dof_pooled",
    "p_value_calibrated",
    "kl_marginal_x",
    "kl_conditional_y_given_x",
    "kl_marginal_y",
    "kl_conditional_x_given_y",
    "p_value_marginal",
    "p_value_conditional",
    "gaussian_kl",
    "gaussian_location",
    "gaussian_shape",
    "gaussian_scale",
    "t2",
    "t2_p_value",
    "box_m",
    "box_m_p_value",
    "window_end"};

Json nullable_number(const Statement& row, int column) {
  return row.is_null(column) ? Json(nullptr) : Json(row.column_double(column));
}

}  // namespace

bool is_joint_subject(Database& db, std::string_view stream, std::string_view name) {
  Statement query =
      db.prepare("SELECT 1 FROM joint_references WHERE stream = ?1 AND name = ?2 LIMIT 1");
  query.bind(1, stream).bind(2, name);
  return query.step();
}

bool is_joint_series_metric(std::string_view metric) {
  // window_end is selected by joint_window_json, not a series.
  return metric != "window_end" &&
         std::find(kJointSeriesColumns.begin(), kJointSeriesColumns.end(), metric) !=
             kJointSeriesColumns.end();
}

nlohmann::ordered_json joint_metric_series_json(Database& db, const MetricQuery& query) {
  const std::string& metric = query.metric;
  if (!is_joint_series_metric(metric)) {
    std::string known;
    for (const std::string_view column : kJointSeriesColumns) {
      if (column != "window_end") known += (known.empty() ? "" : ", ") + std::string(column);
    }
    throw InputError("metric '" + metric + "' is not one of a pair's or group's: " + known);
  }
  if (query.limit < 1 || query.limit > 100000) {
    throw InputError("limit must be between 1 and 100000");
  }
  int64_t from = query.from;
  if (query.after_start) {
    from = std::max(from, *query.after_start == INT64_MAX ? INT64_MAX : *query.after_start + 1);
  }
  // The column name comes from the whitelist above, never from the request.
  Statement rows = db.prepare("SELECT id, kind, window_start, window_end, n, " + metric +
                              " FROM joint_window_metrics WHERE stream = ?1 AND name = ?2 "
                              "AND window_start >= ?3 AND window_start < ?4 "
                              "ORDER BY window_start LIMIT ?5");
  rows.bind(1, std::string_view(query.stream))
      .bind(2, std::string_view(query.feature))
      .bind(3, from)
      .bind(4, query.to)
      .bind(5, static_cast<int64_t>(query.limit) + 1);
  Json points = Json::array();
  std::string kind;
  bool more = false;
  bool cut_short = false;
  for (;;) {
    try {
      if (!rows.step()) break;
    } catch (const SqliteInterrupted&) {
      if (points.empty()) throw;
      cut_short = true;
      break;
    }
    if (points.size() == query.limit) {
      more = true;
      break;
    }
    kind = rows.column_text(1);
    points.push_back({{"window_id", rows.column_int(0)},
                      {"start", rows.column_int(2)},
                      {"end", rows.column_int(3)},
                      {"n", rows.column_int(4)},
                      {"value", nullable_number(rows, 5)}});
  }
  more = more || cut_short;
  Json out = {{"stream", query.stream}, {"feature", query.feature}};
  if (!kind.empty()) out["kind"] = kind;
  out["metric"] = metric;
  out["points"] = points;
  out["next_cursor"] = more ? Json(points.back()["start"]) : Json(nullptr);
  return out;
}

nlohmann::ordered_json joint_window_json(Database& db, int64_t id) {
  std::string columns;
  for (const std::string_view column : kJointSeriesColumns) {
    columns += ", w." + std::string(column);
  }
  Statement row = db.prepare(
      "SELECT w.stream, w.name, w.kind, w.window_start, w.closed_at, r.id, r.version, w.verdict, "
      "w.infinite, w.detail" +
      columns +
      " FROM joint_window_metrics w JOIN joint_references r ON r.id = w.reference_id "
      "WHERE w.id = ?1");
  row.bind(1, id);
  if (!row.step()) throw NotFound("no pair or group window with id " + std::to_string(id));
  Json out = {{"id", id},
              {"stream", row.column_text(0)},
              {"name", row.column_text(1)},
              {"kind", row.column_text(2)},
              {"start", row.column_int(3)},
              {"closed_at", row.column_int(4)},
              {"reference", {{"id", row.column_int(5)}, {"version", row.column_int(6)}}},
              {"verdict", row.is_null(7) ? Json(nullptr) : Json(row.column_text(7))}};
  int column = 10;
  for (const std::string_view name : kJointSeriesColumns) {
    const bool whole = name == "n" || name == "incomplete" || name == "late" ||
                       name == "dof_pooled" || name == "window_end";
    const std::string key = name == "window_end" ? "end" : std::string(name);
    out[key] = row.is_null(column) ? Json(nullptr)
               : whole             ? Json(row.column_int(column))
                                   : Json(row.column_double(column));
    ++column;
  }
  out["infinite"] = Json::parse(row.column_text(8));
  out["detail"] = Json::parse(row.column_text(9));
  return out;
}

}  // namespace driftd::store
