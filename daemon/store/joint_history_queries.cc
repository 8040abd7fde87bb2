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
  const SeriesPage page =
      metric_series_page(db, query, "joint_window_metrics", "name", metric);
  Json out = {{"stream", query.stream}, {"feature", query.feature}};
  if (!page.points.empty()) {
    Statement kind = db.prepare("SELECT kind FROM joint_window_metrics WHERE id = ?1");
    kind.bind(1, page.points.front()["window_id"].get<int64_t>());
    if (kind.step()) out["kind"] = kind.column_text(0);
  }
  out["metric"] = metric;
  out["points"] = page.points;
  out["next_cursor"] = page.next_cursor;
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
