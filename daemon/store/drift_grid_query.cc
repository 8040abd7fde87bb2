#include "store/drift_grid_query.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "common/error.h"
#include "store/history_queries.h"

namespace driftd::store {
namespace {

using Json = nlohmann::ordered_json;

struct FeatureRow {
  std::string name;
  std::size_t order = 0;  // in the configuration
  int64_t alerts = 0;
  int firing = 0;  // 0 none, 1 warn, 2 critical
  std::map<int64_t, Json> cells;  // by window start
};

std::vector<FeatureRow> configured_features(Database& db, const std::string& stream) {
  Statement row = db.prepare("SELECT config_json FROM streams WHERE name = ?1");
  row.bind(1, std::string_view(stream));
  if (!row.step()) throw NotFound("no stream named '" + stream + "'");
  std::vector<FeatureRow> features;
  for (const auto& feature : Json::parse(row.column_text(0)).value("features", Json::array())) {
    features.push_back({feature.at("name").get<std::string>(), features.size(), 0, 0, {}});
  }
  return features;
}

}  // namespace

nlohmann::ordered_json drift_grid_json(Database& db, const GridQuery& query) {
  if (!is_series_metric(query.metric)) {
    throw InputError("metric '" + query.metric + "' is not a window measure (GET /v1/metrics lists them)");
  }
  if (query.windows < 1 || query.windows > 500) throw InputError("windows must be between 1 and 500");
  std::vector<FeatureRow> features = configured_features(db, query.stream);

  // Each feature's latest windows, through the (stream, feature,
  // window_start) index; the metric is a whitelisted column name.
  Statement windows = db.prepare("SELECT id, window_start, window_end, n, " + query.metric +
                                 ", infinite FROM window_metrics WHERE stream = ?1 AND "
                                 "feature = ?2 ORDER BY window_start DESC LIMIT ?3");
  std::map<int64_t, int64_t> ends;  // window start -> end, over every feature
  for (FeatureRow& feature : features) {
    windows.reset();
    windows.bind(1, std::string_view(query.stream))
        .bind(2, std::string_view(feature.name))
        .bind(3, static_cast<int64_t>(query.windows));
    while (windows.step()) {
      const int64_t start = windows.column_int(1);
      ends[start] = windows.column_int(2);
      Json cell = {{"window_id", windows.column_int(0)}, {"n", windows.column_int(3)}};
      cell["value"] = windows.is_null(4) ? Json(nullptr) : Json(windows.column_double(4));
      const Json infinite = Json::parse(windows.column_text(5));
      if (std::find(infinite.begin(), infinite.end(), query.metric) != infinite.end()) {
        cell["infinite"] = true;
      }
      feature.cells.emplace(start, std::move(cell));
    }
  }
  while (ends.size() > query.windows) ends.erase(ends.begin());

  Json columns = Json::array();
  for (const auto& [start, end] : ends) columns.push_back({{"start", start}, {"end", end}});
  if (!ends.empty()) {
    Statement alerts = db.prepare(
        "SELECT feature, count(*), max(CASE WHEN state <> 'firing' THEN 0 "
        "WHEN severity = 'critical' THEN 2 ELSE 1 END) FROM alerts "
        "WHERE stream = ?1 AND (window_end > ?2 OR state = 'firing') GROUP BY feature");
    alerts.bind(1, std::string_view(query.stream)).bind(2, ends.begin()->first);
    while (alerts.step()) {
      const std::string name = alerts.column_text(0);
      for (FeatureRow& feature : features) {
        if (feature.name != name) continue;
        feature.alerts = alerts.column_int(1);
        feature.firing = static_cast<int>(alerts.column_int(2));
      }
    }
  }
  std::sort(features.begin(), features.end(), [](const FeatureRow& a, const FeatureRow& b) {
    if (a.alerts != b.alerts) return a.alerts > b.alerts;
    if (a.firing != b.firing) return a.firing > b.firing;
    return a.order < b.order;
  });

  Json rows = Json::array();
  for (const FeatureRow& feature : features) {
    Json cells = Json::array();
    for (const auto& [start, end] : ends) {
      const auto cell = feature.cells.find(start);
      cells.push_back(cell == feature.cells.end() ? Json(nullptr) : cell->second);
    }
    const char* firing[] = {nullptr, "warn", "critical"};
    rows.push_back({{"name", feature.name},
                    {"alerts", feature.alerts},
                    {"firing", firing[feature.firing] ? Json(firing[feature.firing]) : Json(nullptr)},
                    {"cells", cells}});
  }
  return {{"stream", query.stream}, {"metric", query.metric}, {"windows", columns},
          {"features", rows}};
}

}  // namespace driftd::store
