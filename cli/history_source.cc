#include "cli/history_source.h"

#include <charconv>
#include <chrono>
#include <ctime>

#include "cli/cli_error.h"
#include "common/clock.h"
#include "config/duration.h"
#include "ingest/event_time.h"

namespace driftd::cli {
namespace {

int64_t parse_time(const std::string& option, const std::string& text) {
  int64_t ms = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (error == std::errc() && end == text.data() + text.size()) return ms;
  if (const auto parsed = ingest::epoch_ms_from_rfc3339(text)) return *parsed;
  throw UsageError(option + ": '" + text +
                   "' is neither ms since the epoch nor an RFC 3339 time (2026-11-28T16:00:00Z)");
}

std::string time_parameter(int64_t ms) { return std::to_string(ms); }

}  // namespace

HistorySource::HistorySource(const std::string& db, const std::string& url,
                             const std::string& token, const std::string& cacert) {
  if (db.empty() == url.empty()) {
    throw UsageError("give either --db FILE (the database) or --url URL (the running daemon)");
  }
  if (!db.empty()) {
    db_ = std::make_unique<store::Database>(db, store::Database::Mode::kReadOnly);
  } else {
    api_.emplace(url, token, cacert);
  }
}

nlohmann::ordered_json HistorySource::alerts(const store::AlertQuery& query) {
  if (db_) return store::alerts_json(*db_, query);
  std::vector<std::pair<std::string, std::string>> parameters;
  for (const auto& [name, value] : {std::pair{"stream", query.stream}, {"feature", query.feature},
                                    {"severity", query.severity}, {"state", query.state}}) {
    if (!value.empty()) parameters.emplace_back(name, value);
  }
  if (query.from != INT64_MIN) parameters.emplace_back("from", time_parameter(query.from));
  if (query.to != INT64_MAX) parameters.emplace_back("to", time_parameter(query.to));
  parameters.emplace_back("limit", std::to_string(query.limit));
  if (query.before_id) parameters.emplace_back("cursor", std::to_string(*query.before_id));
  return api_->get("/v1/alerts?" + encode_query(parameters));
}

nlohmann::ordered_json HistorySource::series(const std::string& stream, const std::string& feature,
                                             const std::string& metric, int64_t from, int64_t to,
                                             std::size_t limit) {
  if (db_) return store::metric_series_json(*db_, {stream, feature, metric, from, to, limit, std::nullopt});
  std::vector<std::pair<std::string, std::string>> parameters{
      {"stream", stream}, {"feature", feature}, {"metric", metric},
      {"limit", std::to_string(limit)}};
  if (from != INT64_MIN) parameters.emplace_back("from", time_parameter(from));
  if (to != INT64_MAX) parameters.emplace_back("to", time_parameter(to));
  return api_->get("/v1/metrics?" + encode_query(parameters));
}

TimeRange parse_time_range(const std::string& from, const std::string& to,
                           const std::string& since) {
  TimeRange range;
  if (!since.empty()) {
    if (!from.empty()) throw UsageError("--since and --from cannot be combined");
    std::string problem;
    const auto back = config::parse_duration(since, problem);
    if (!back) throw UsageError("--since: " + problem + " (e.g. 30m, 24h, 7d)");
    const auto now = Clock::system().wall_ms();
    range.from = now - back->count();
  }
  if (!from.empty()) range.from = parse_time("--from", from);
  if (!to.empty()) range.to = parse_time("--to", to);
  return range;
}

std::string format_time(std::optional<int64_t> ms) {
  if (!ms) return "-";
  const std::time_t seconds = static_cast<std::time_t>(*ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
  return text;
}

}  // namespace driftd::cli
