#include "cli/history_command.h"

#include <algorithm>
#include <cmath>
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
    "usage: driftctl history (--db FILE | --url URL [--token T] [--cacert FILE])\n"
    "                        --stream S --feature F\n"
    "                        [--metric jsd] [--since 24h | --from TIME] [--to TIME]\n"
    "                        [--limit N] [--format table|json]\n"
    "\n"
    "A measure's value window by window, oldest first. --metric: any measure of\n"
    "metrics.md (kl_pq, kl_qp, jsd, js_distance, tv, hellinger, psi, ...), p_value,\n"
    "g_statistic, gaussian_kl, n, missing, invalid, late. TIME: ms since the epoch or\n"
    "RFC 3339. For time windows start/end are times, for count windows event numbers.\n";

constexpr int kBarWidth = 40;

void print_table(const nlohmann::ordered_json& series) {
  const auto& points = series["points"];
  double largest = 0;
  for (const auto& point : points) {
    if (point["value"].is_number()) largest = std::max(largest, point["value"].get<double>());
  }
  std::printf("%s / %s, %s\n", series["stream"].get<std::string>().c_str(),
              series["feature"].get<std::string>().c_str(),
              series["metric"].get<std::string>().c_str());
  std::printf("%15s %15s %9s %12s\n", "start", "end", "n", "value");
  for (const auto& point : points) {
    const bool finite = point["value"].is_number();
    const double value = finite ? point["value"].get<double>() : 0;
    // A bar for positive values only (a corrected measure can be negative).
    const int width = finite && largest > 0 && value > 0
                          ? static_cast<int>(std::lround(kBarWidth * value / largest))
                          : 0;
    char number[32];
    std::snprintf(number, sizeof number, "%.6g", value);
    std::printf("%15lld %15lld %9lld %12s  %s\n",
                static_cast<long long>(point["start"].get<int64_t>()),
                static_cast<long long>(point["end"].get<int64_t>()),
                static_cast<long long>(point["n"].get<int64_t>()), finite ? number : "inf",
                std::string(static_cast<std::size_t>(width), '#').c_str());
  }
  if (points.empty()) std::printf("(no windows in the range)\n");
}

}  // namespace

int run_history(int argc, const char* const* argv) {
  po::options_description options("options");
  std::string db, url, token, cacert, stream, feature, metric = "jsd", since, from, to, format = "table";
  std::size_t limit = 10000;
  options.add_options()("help,h", "this help")("db", po::value(&db))("url", po::value(&url))(
      "token", po::value(&token))("cacert", po::value(&cacert))("stream", po::value(&stream))("feature", po::value(&feature))(
      "metric", po::value(&metric))("since", po::value(&since))("from", po::value(&from))(
      "to", po::value(&to))("limit", po::value(&limit))("format", po::value(&format));
  const auto parsed = parse_arguments(argc, argv, options, kUsage);
  if (!parsed) return kExitOk;
  const OutputFormat output = parse_output_format(format);
  if (stream.empty() || feature.empty()) throw UsageError("--stream and --feature are required");
  const TimeRange range = parse_time_range(from, to, since);
  HistorySource source(db, url, token, cacert);
  const nlohmann::ordered_json series =
      source.series(stream, feature, metric, range.from, range.to, limit);
  if (output == OutputFormat::kJson) {
    std::cout << series.dump(2) << '\n';
  } else {
    print_table(series);
  }
  return kExitOk;
}

}  // namespace driftd::cli
