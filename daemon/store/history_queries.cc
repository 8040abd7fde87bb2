#include "store/history_queries.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "divergence/contributions.h"
#include "divergence/divergence.h"
#include "divergence/measures.h"
#include "histogram/histogram_snapshot.h"
#include "pipeline/alert_evidence.h"
#include "pipeline/feature_bins.h"
#include "store/joint_history_queries.h"

namespace driftd::store {
namespace {

using Json = nlohmann::ordered_json;

// window_metrics columns that hold a number per window, by API name.
constexpr std::array<std::string_view, 17> kOtherSeriesColumns{
    "g_statistic",   "dof",           "p_value",        "kl_pq_corrected", "dof_pooled",
    "p_value_calibrated", "p_value_rank", "jsd_corrected", "psi_corrected", "gaussian_kl",
    "gaussian_location", "gaussian_shape", "gaussian_scale", "n", "missing", "invalid", "late"};

Json nullable_double(const Statement& row, int column) {
  return row.is_null(column) ? Json(nullptr) : Json(row.column_double(column));
}

Json nullable_int(const Statement& row, int column) {
  return row.is_null(column) ? Json(nullptr) : Json(row.column_int(column));
}

// The smoothed distribution of `counts`; none when they are all zero (a
// window whose every value was missing or invalid has no distribution).
std::optional<std::vector<double>> distribution(std::span<const uint64_t> counts, double alpha) {
  if (std::all_of(counts.begin(), counts.end(), [](uint64_t count) { return count == 0; })) {
    return std::nullopt;
  }
  return smoothed_probabilities(counts, alpha);
}

// Steps the statement of a page. A deadline that stops it ends the page
// where it is (cut_short()), unless the page holds nothing yet: then the
// SqliteInterrupted goes on, as there is nothing to show.
class PageRows {
 public:
  explicit PageRows(Statement& rows) : rows_(rows) {}
  bool next(std::size_t items_so_far) {
    try {
      return rows_.step();
    } catch (const SqliteInterrupted&) {
      if (items_so_far == 0) throw;
      cut_short_ = true;
      return false;
    }
  }
  bool cut_short() const { return cut_short_; }

 private:
  Statement& rows_;
  bool cut_short_ = false;
};

}  // namespace

nlohmann::ordered_json alerts_json(Database& db, const AlertQuery& query) {
  if (query.limit < 1 || query.limit > 1000) {
    throw InputError("limit must be between 1 and 1000");
  }
  Statement rows = db.prepare(
      "SELECT id, stream, feature, rule, metric, value, threshold, severity, state, "
      "window_start, window_end, opened_at, resolved_at, evidence FROM alerts "
      "WHERE (?1 = '' OR stream = ?1) AND (?2 = '' OR feature = ?2) "
      "AND (?3 = '' OR severity = ?3) AND (?4 = '' OR state = ?4) "
      "AND opened_at < ?6 AND (resolved_at IS NULL OR resolved_at >= ?5) AND id < ?7 "
      "ORDER BY id DESC LIMIT ?8");
  rows.bind(1, std::string_view(query.stream))
      .bind(2, std::string_view(query.feature))
      .bind(3, std::string_view(query.severity))
      .bind(4, std::string_view(query.state))
      .bind(5, query.from)
      .bind(6, query.to)
      .bind(7, query.before_id.value_or(INT64_MAX))
      .bind(8, static_cast<int64_t>(query.limit) + 1);  // one more: is there a next page?
  Json alerts = Json::array();
  bool more = false;
  PageRows page(rows);
  while (page.next(alerts.size())) {
    if (alerts.size() == query.limit) {
      more = true;
      break;
    }
    alerts.push_back({{"id", rows.column_int(0)},
                      {"stream", rows.column_text(1)},
                      {"feature", rows.column_text(2)},
                      {"rule", rows.column_int(3)},
                      {"metric", rows.column_text(4)},
                      {"value", nullable_double(rows, 5)},
                      {"threshold", rows.column_double(6)},
                      {"severity", rows.column_text(7)},
                      {"state", rows.column_text(8)},
                      {"window_start", rows.column_int(9)},
                      {"window_end", rows.column_int(10)},
                      {"opened_at", rows.column_int(11)},
                      {"resolved_at", nullable_int(rows, 12)},
                      {"evidence", Json::parse(rows.column_text(13))}});
  }
  more = more || page.cut_short();
  return {{"alerts", alerts},
          {"next_cursor", more ? Json(alerts.back()["id"]) : Json(nullptr)}};
}

bool is_series_metric(std::string_view metric) {
  return std::any_of(kMeasureFields.begin(), kMeasureFields.end(),
                     [&](const auto& field) { return field.key == metric; }) ||
         std::find(kOtherSeriesColumns.begin(), kOtherSeriesColumns.end(), metric) !=
             kOtherSeriesColumns.end();
}

nlohmann::ordered_json metric_series_json(Database& db, const MetricQuery& query) {
  if (is_joint_subject(db, query.stream, query.feature)) {
    return joint_metric_series_json(db, query);
  }
  const std::string& metric = query.metric;
  if (!is_series_metric(metric)) {
    std::string known;
    for (const auto& field : kMeasureFields) known += std::string(field.key) + ", ";
    for (const std::string_view column : kOtherSeriesColumns) known += std::string(column) + ", ";
    known.resize(known.size() - 2);
    throw InputError("metric '" + metric + "' is not one of " + known);
  }
  const SeriesPage page = metric_series_page(db, query, "window_metrics", "feature", metric);
  return {{"stream", query.stream},
          {"feature", query.feature},
          {"metric", metric},
          {"points", page.points},
          {"next_cursor", page.next_cursor}};
}

SeriesPage metric_series_page(Database& db, const MetricQuery& query, std::string_view table,
                              std::string_view subject_column, const std::string& metric) {
  if (query.limit < 1 || query.limit > 100000) {
    throw InputError("limit must be between 1 and 100000");
  }
  int64_t from = query.from;
  if (query.after_start) {  // window_start < to <= INT64_MAX: nothing starts after INT64_MAX
    from = std::max(from, *query.after_start == INT64_MAX ? INT64_MAX : *query.after_start + 1);
  }
  // The names come from whitelists, never from the request.
  // (stream, subject, window_start) is unique: its index gives the order.
  Statement rows = db.prepare("SELECT id, window_start, window_end, n, " + metric + " FROM " +
                              std::string(table) + " WHERE stream = ?1 AND " +
                              std::string(subject_column) +
                              " = ?2 AND window_start >= ?3 AND window_start < ?4 "
                              "ORDER BY window_start LIMIT ?5");
  rows.bind(1, std::string_view(query.stream))
      .bind(2, std::string_view(query.feature))
      .bind(3, from)
      .bind(4, query.to)
      .bind(5, static_cast<int64_t>(query.limit) + 1);  // one more: is there a next page?
  SeriesPage out{Json::array(), Json(nullptr)};
  bool more = false;
  PageRows page(rows);
  while (page.next(out.points.size())) {
    if (out.points.size() == query.limit) {
      more = true;
      break;
    }
    out.points.push_back({{"window_id", rows.column_int(0)},
                          {"start", rows.column_int(1)},
                          {"end", rows.column_int(2)},
                          {"n", rows.column_int(3)},
                          {"value", nullable_double(rows, 4)}});
  }
  if (more || page.cut_short()) out.next_cursor = out.points.back()["start"];
  return out;
}

nlohmann::ordered_json window_json(Database& db, int64_t window_id) {
  std::string columns;
  for (const auto& field : kMeasureFields) columns += std::string(field.key) + ", ";
  std::apply([&](const auto&... field) { ((columns += "w." + std::string(field.key) + ", "), ...); },
             kSignificanceFields);
  Statement row = db.prepare(
      "SELECT w.stream, w.feature, w.window_start, w.window_end, w.n, w.missing, w.invalid, "
      "w.late, w.closed_at, w.histogram, w.infinite, r.id, r.version, r.bins_json, r.histogram, "
      "s.config_json, " +
      columns +
      "w.gaussian_kl, w.gaussian_location, w.gaussian_shape, w.gaussian_scale "
      "FROM window_metrics w JOIN reference_distributions r ON r.id = w.reference_id "
      "JOIN streams s ON s.name = w.stream WHERE w.id = ?1");
  row.bind(1, window_id);
  if (!row.step()) throw NotFound("no window with id " + std::to_string(window_id));

  Json out = {{"id", window_id},          {"stream", row.column_text(0)},
              {"feature", row.column_text(1)}, {"start", row.column_int(2)},
              {"end", row.column_int(3)},      {"n", row.column_int(4)},
              {"missing", row.column_int(5)},  {"invalid", row.column_int(6)},
              {"late", row.column_int(7)},     {"closed_at", row.column_int(8)},
              {"reference", {{"id", row.column_int(11)}, {"version", row.column_int(12)}}}};
  int column = 16;
  Json measures;
  for (const auto& field : kMeasureFields) measures[std::string(field.key)] = nullable_double(row, column++);
  const auto read_significance = [&](const auto& field) {
    const bool whole = std::is_same_v<std::remove_cvref_t<decltype(Significance{}.*field.member)>, int>;
    measures[std::string(field.key)] =
        whole ? nullable_int(row, column) : nullable_double(row, column);
    ++column;
  };
  std::apply([&](const auto&... field) { (read_significance(field), ...); }, kSignificanceFields);
  out["measures"] = measures;
  out["infinite"] = Json::parse(row.column_text(10));
  // +inf is stored as NULL and listed in `infinite`; nothing compared: no
  // direction.
  const auto kl_value = [&](const char* key) {
    for (const auto& infinite : out["infinite"]) {
      if (infinite == key) return std::optional<double>(INFINITY);
    }
    const Json& value = measures[key];
    return value.is_number() ? std::optional<double>(value.get<double>()) : std::nullopt;
  };
  const std::optional<double> kl_pq = kl_value("kl_pq");
  const std::optional<double> kl_qp = kl_value("kl_qp");
  out["direction"] = kl_pq && kl_qp ? Json(kl_direction(*kl_pq, *kl_qp)) : Json(nullptr);
  Json gaussian;
  for (const char* part : {"total", "location", "shape", "scale"}) {
    gaussian[part] = nullable_double(row, column++);
  }
  out["gaussian_kl"] = gaussian;

  const FeatureBins bins = FeatureBins::from_json(row.column_text(13));
  const HistogramSnapshot current = HistogramSnapshot::deserialize(row.column_blob(9));
  const HistogramSnapshot reference = HistogramSnapshot::deserialize(row.column_blob(14));
  const double alpha =
      Json::parse(row.column_text(15)).value("smoothing_alpha", 0.5);  // the stream's, as stored
  const std::optional<std::vector<double>> p = distribution(current.counts(), alpha);
  const std::optional<std::vector<double>> q = distribution(reference.counts(), alpha);
  const std::vector<BinContribution> contributions =
      p && q ? kl_contributions(*p, *q) : std::vector<BinContribution>();
  const auto value_at = [](const std::optional<std::vector<double>>& values, std::size_t bin) {
    return values ? Json((*values)[bin]) : Json(nullptr);
  };
  Json bin_rows = Json::array();
  for (std::size_t bin = 0; bin < bins.bin_count(); ++bin) {
    Json contribution = nullptr;  // +inf, or no distributions to compare
    if (!contributions.empty() && !std::isinf(contributions[bin].contribution)) {
      contribution = contributions[bin].contribution;
    }
    bin_rows.push_back({{"bin", bin},
                        {"label", bins.label(bin)},
                        {"count", current.counts()[bin]},
                        {"reference_count", reference.counts()[bin]},
                        {"p", value_at(p, bin)},
                        {"q", value_at(q, bin)},
                        {"contribution", contribution}});
  }
  out["smoothing_alpha"] = alpha;
  out["bins"] = bin_rows;
  return out;
}

nlohmann::ordered_json references_json(Database& db, const std::string& stream) {
  Statement query = db.prepare(
      "SELECT stream, feature, version, feature_type, origin, n, missing, active, created_at "
      "FROM reference_distributions WHERE ?1 = '' OR stream = ?1 "
      "ORDER BY stream, feature, version");
  query.bind(1, std::string_view(stream));
  Json rows = Json::array();
  while (query.step()) {
    rows.push_back({{"stream", query.column_text(0)},
                    {"feature", query.column_text(1)},
                    {"version", query.column_int(2)},
                    {"type", query.column_text(3)},
                    {"origin", query.column_text(4)},
                    {"n", query.column_int(5)},
                    {"missing", query.column_int(6)},
                    {"active", query.column_int(7) == 1},
                    {"created_at", query.column_int(8)}});
  }
  return rows;
}

nlohmann::ordered_json reference_json(Database& db, const std::string& stream,
                                      const std::string& feature, int64_t version) {
  Statement query = db.prepare(
      "SELECT version, feature_type, origin, bins_json, histogram, moments_json, active "
      "FROM reference_distributions WHERE stream = ?1 AND feature = ?2 AND "
      "(?3 = 0 AND active = 1 OR version = ?3)");
  query.bind(1, std::string_view(stream)).bind(2, std::string_view(feature)).bind(3, version);
  if (!query.step()) {
    throw NotFound("no reference for stream '" + stream + "' feature '" + feature + "'" +
                   (version ? " version " + std::to_string(version) : std::string()));
  }
  const FeatureBins bins = FeatureBins::from_json(query.column_text(3));
  const HistogramSnapshot histogram = HistogramSnapshot::deserialize(query.column_blob(4));
  uint64_t n = 0;
  for (uint64_t count : histogram.counts()) n += count;
  Json out = {{"stream", stream},
              {"feature", feature},
              {"version", query.column_int(0)},
              {"type", query.column_text(1)},
              {"origin", query.column_text(2)},
              {"active", query.column_int(6) == 1},
              {"n", n},
              {"missing", histogram.missing()}};
  if (!query.is_null(5)) out["moments"] = Json::parse(query.column_text(5));
  Json bin_rows = Json::array();
  for (std::size_t bin = 0; bin < bins.bin_count(); ++bin) {
    const uint64_t count = histogram.counts()[bin];
    bin_rows.push_back({{"label", bins.label(bin)},
                        {"count", count},
                        {"share", n ? static_cast<double>(count) / static_cast<double>(n) : 0.0}});
  }
  out["bins"] = std::move(bin_rows);
  return out;
}

}  // namespace driftd::store
