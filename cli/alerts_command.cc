#include "cli/alerts_command.h"

#include <cstdio>
#include <iostream>
#include <string>

#include "cli/cli_error.h"
#include "cli/command_line.h"
#include "cli/history_source.h"

namespace driftd::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: driftctl alerts (--db FILE | --url URL [--token T] [--cacert FILE])\n"
    "                       [--stream S] [--feature F]\n"
    "                       [--severity warn|critical] [--state firing|resolved]\n"
    "                       [--since 24h | --from TIME] [--to TIME] [--limit N] [--all]\n"
    "                       [--format table|json]\n"
    "\n"
    "Alert episodes active in the time range, newest first (limit 100 unless --all).\n"
    "TIME: ms since the epoch or RFC 3339 (2026-11-28T16:00:00Z). --token defaults to\n"
    "$DRIFTD_TOKEN, --cacert (an https:// daemon's CA) to $DRIFTD_CACERT. --db reads\n"
    "the database read-only, safe while driftd runs.\n";

std::string value_text(const nlohmann::ordered_json& value) {
  if (value.is_null()) return "inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value.get<double>());
  return text;
}

void print_table(const nlohmann::ordered_json& alerts) {
  std::printf("%6s  %-16s %-16s %-10s %9s %-8s  %-8s  %-19s  %s\n", "id", "stream", "feature",
              "metric", "value", "severity", "state", "opened (UTC)", "resolved (UTC)");
  for (const auto& alert : alerts) {
    const auto resolved = alert["resolved_at"].is_null()
                              ? std::optional<int64_t>()
                              : std::optional<int64_t>(alert["resolved_at"].get<int64_t>());
    std::printf("%6lld  %-16s %-16s %-10s %9s %-8s  %-8s  %-19s  %s\n",
                static_cast<long long>(alert["id"].get<int64_t>()),
                alert["stream"].get<std::string>().c_str(),
                alert["feature"].get<std::string>().c_str(),
                alert["metric"].get<std::string>().c_str(), value_text(alert["value"]).c_str(),
                alert["severity"].get<std::string>().c_str(),
                alert["state"].get<std::string>().c_str(),
                format_time(alert["opened_at"].get<int64_t>()).c_str(),
                format_time(resolved).c_str());
  }
  if (alerts.empty()) std::printf("(no alerts)\n");
}

}  // namespace

int run_alerts(int argc, const char* const* argv) {
  po::options_description options("options");
  std::string db, url, token, cacert, since, from, to, format = "table";
  store::AlertQuery query;
  std::size_t limit = 100;
  options.add_options()("help,h", "this help")("db", po::value(&db))("url", po::value(&url))(
      "token", po::value(&token))("cacert", po::value(&cacert))("stream", po::value(&query.stream))(
      "feature", po::value(&query.feature))("severity", po::value(&query.severity))(
      "state", po::value(&query.state))("since", po::value(&since))("from", po::value(&from))(
      "to", po::value(&to))("limit", po::value(&limit))("all", "every page")(
      "format", po::value(&format));
  const auto parsed = parse_arguments(argc, argv, options, kUsage);
  if (!parsed) return kExitOk;
  const OutputFormat output = parse_output_format(format);
  if (limit < 1 || limit > 1000) throw UsageError("--limit: must be between 1 and 1000");
  const TimeRange range = parse_time_range(from, to, since);
  query.from = range.from;
  query.to = range.to;
  query.limit = limit;
  HistorySource source(db, url, token, cacert);

  nlohmann::ordered_json alerts = nlohmann::ordered_json::array();
  nlohmann::ordered_json next = nullptr;
  do {
    const nlohmann::ordered_json page = source.alerts(query);
    for (const auto& alert : page["alerts"]) alerts.push_back(alert);
    next = page["next_cursor"];
    if (!next.is_null()) query.before_id = next.get<int64_t>();
  } while (parsed->count("all") && !next.is_null());

  if (output == OutputFormat::kJson) {
    std::cout << nlohmann::ordered_json{{"alerts", alerts}, {"next_cursor", next}}.dump(2) << '\n';
  } else {
    print_table(alerts);
    if (!next.is_null()) std::printf("(more: --all, or add --limit)\n");
  }
  return kExitOk;
}

}  // namespace driftd::cli
