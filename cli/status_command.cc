#include "cli/status_command.h"

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
    "usage: driftctl status (--url URL [--token T] [--cacert FILE] | --db FILE)\n"
    "                       [--format table|json]\n"
    "\n"
    "--url: the running daemon's readiness and each stream's phase and counters.\n"
    "--db: each stream's windows, last window and open alerts from the database.\n"
    "--token defaults to $DRIFTD_TOKEN; --cacert (an https:// daemon's CA) to\n"
    "$DRIFTD_CACERT, else the system store.\n";

nlohmann::ordered_json daemon_status(const ApiClient& api) {
  const ApiClient::Answer ready = api.fetch("/readyz");
  if (ready.body.is_discarded()) throw UsageError(api.url() + "/readyz: the answer is not JSON");
  return {{"readiness", ready.body}, {"streams", api.get("/v1/streams")["streams"]}};
}

nlohmann::ordered_json database_status(store::Database& db) {
  store::Statement rows = db.prepare(
      "SELECT stream, source_type, windows, last_window_closed, values_binned, missing, invalid, "
      "late, open_alerts FROM v_stream_health ORDER BY stream");
  nlohmann::ordered_json streams = nlohmann::ordered_json::array();
  while (rows.step()) {
    streams.push_back({{"name", rows.column_text(0)},
                       {"source", rows.column_text(1)},
                       {"windows", rows.column_int(2)},
                       {"last_window_closed",
                        rows.is_null(3) ? nlohmann::ordered_json(nullptr)
                                        : nlohmann::ordered_json(rows.column_text(3))},
                       {"values_binned", rows.column_int(4)},
                       {"missing", rows.column_int(5)},
                       {"invalid", rows.column_int(6)},
                       {"late", rows.column_int(7)},
                       {"open_alerts", rows.column_int(8)}});
  }
  return {{"streams", streams}};
}

void print_daemon(const nlohmann::ordered_json& status) {
  const auto& readiness = status["readiness"];
  std::printf("driftd: %s\n", readiness.value("status", "?").c_str());
  for (const auto& reason : readiness.value("reasons", nlohmann::ordered_json::array())) {
    std::printf("  - %s\n", reason.get<std::string>().c_str());
  }
  std::printf("%-20s %-6s %-20s %12s %12s %10s %8s %8s\n", "stream", "source", "phase", "events",
              "accepted", "malformed", "late", "windows");
  for (const auto& s : status["streams"]) {
    std::printf("%-20s %-6s %-20s %12lld %12lld %10lld %8lld %8lld\n",
                s["name"].get<std::string>().c_str(), s["source"].get<std::string>().c_str(),
                s["phase"].get<std::string>().c_str(),
                static_cast<long long>(s["events"].get<int64_t>()),
                static_cast<long long>(s["accepted"].get<int64_t>()),
                static_cast<long long>(s["malformed"].get<int64_t>()),
                static_cast<long long>(s["late"].get<int64_t>()),
                static_cast<long long>(s["windows_closed"].get<int64_t>()));
  }
}

void print_database(const nlohmann::ordered_json& status) {
  std::printf("%-20s %-6s %8s  %-19s %14s %9s %9s %8s %6s\n", "stream", "source", "windows",
              "last window (UTC)", "values binned", "missing", "invalid", "late", "alerts");
  for (const auto& s : status["streams"]) {
    std::printf("%-20s %-6s %8lld  %-19s %14lld %9lld %9lld %8lld %6lld\n",
                s["name"].get<std::string>().c_str(), s["source"].get<std::string>().c_str(),
                static_cast<long long>(s["windows"].get<int64_t>()),
                s["last_window_closed"].is_null()
                    ? "-"
                    : s["last_window_closed"].get<std::string>().c_str(),
                static_cast<long long>(s["values_binned"].get<int64_t>()),
                static_cast<long long>(s["missing"].get<int64_t>()),
                static_cast<long long>(s["invalid"].get<int64_t>()),
                static_cast<long long>(s["late"].get<int64_t>()),
                static_cast<long long>(s["open_alerts"].get<int64_t>()));
  }
}

}  // namespace

int run_status(int argc, const char* const* argv) {
  po::options_description options("options");
  std::string db, url, token, cacert, format = "table";
  options.add_options()("help,h", "this help")("db", po::value(&db))("url", po::value(&url))(
      "token", po::value(&token))("cacert", po::value(&cacert))("format", po::value(&format));
  const auto parsed = parse_arguments(argc, argv, options, kUsage);
  if (!parsed) return kExitOk;
  const OutputFormat output = parse_output_format(format);
  HistorySource source(db, url, token, cacert);
  const nlohmann::ordered_json status =
      source.uses_api() ? daemon_status(*source.api()) : database_status(*source.database());
  if (output == OutputFormat::kJson) {
    std::cout << status.dump(2) << '\n';
  } else if (source.uses_api()) {
    print_daemon(status);
  } else {
    print_database(status);
  }
  return kExitOk;
}

}  // namespace driftd::cli
