#include "cli/reference_command.h"

#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_error.h"
#include "cli/command_line.h"
#include "cli/reference_import_command.h"
#include "cli/reference_promote_command.h"
#include "histogram/histogram_snapshot.h"
#include "pipeline/feature_bins.h"
#include "store/sqlite.h"

namespace driftd::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: driftctl reference list --db FILE [--stream NAME] [--format table|json]\n"
    "       driftctl reference show --db FILE --stream NAME --feature NAME [--version N]\n"
    "                               [--format table|json]\n"
    "       driftctl reference import --config DRIFTD.json --stream NAME --file DATA [--db FILE]\n"
    "       driftctl reference promote --db FILE --stream NAME --window-start MS\n"
    "                                  [--feature NAME ...]\n"
    "\n"
    "list: every stored reference version (* marks the active one).\n"
    "show: one reference's bins and counts (default: the active version).\n"
    "import: new active references for a stream's features from a CSV or NDJSON file.\n"
    "promote: a stored closed window becomes the new active reference.\n"
    "import and promote keep the previous versions (inactive); a running driftd installs\n"
    "the new references at its next restart. driftctl reference <action> --help: details.\n";

nlohmann::ordered_json list_json(store::Database& db, const std::string& stream) {
  store::Statement query = db.prepare(
      "SELECT stream, feature, version, feature_type, origin, n, missing, active, created_at "
      "FROM reference_distributions WHERE ?1 = '' OR stream = ?1 "
      "ORDER BY stream, feature, version");
  query.bind(1, std::string_view(stream));
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
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

nlohmann::ordered_json show_json(store::Database& db, const std::string& stream,
                                 const std::string& feature, int64_t version) {
  store::Statement query = db.prepare(
      "SELECT version, feature_type, origin, bins_json, histogram, moments_json, active "
      "FROM reference_distributions WHERE stream = ?1 AND feature = ?2 AND "
      "(?3 = 0 AND active = 1 OR version = ?3)");
  query.bind(1, std::string_view(stream)).bind(2, std::string_view(feature)).bind(3, version);
  if (!query.step()) {
    throw UsageError("no reference for stream '" + stream + "' feature '" + feature + "'" +
                     (version ? " version " + std::to_string(version) : std::string()));
  }
  const FeatureBins bins = FeatureBins::from_json(query.column_text(3));
  const HistogramSnapshot histogram = HistogramSnapshot::deserialize(query.column_blob(4));
  uint64_t n = 0;
  for (uint64_t count : histogram.counts()) n += count;
  nlohmann::ordered_json out = {{"stream", stream},
                                {"feature", feature},
                                {"version", query.column_int(0)},
                                {"type", query.column_text(1)},
                                {"origin", query.column_text(2)},
                                {"active", query.column_int(6) == 1},
                                {"n", n},
                                {"missing", histogram.missing()}};
  if (!query.is_null(5)) out["moments"] = nlohmann::ordered_json::parse(query.column_text(5));
  nlohmann::ordered_json bin_rows = nlohmann::ordered_json::array();
  for (std::size_t bin = 0; bin < bins.bin_count(); ++bin) {
    const uint64_t count = histogram.counts()[bin];
    bin_rows.push_back({{"label", bins.label(bin)},
                        {"count", count},
                        {"share", n ? static_cast<double>(count) / static_cast<double>(n) : 0.0}});
  }
  out["bins"] = std::move(bin_rows);
  return out;
}

void print_list(const nlohmann::ordered_json& rows) {
  std::printf("%-20s %-20s %7s %-11s %10s %9s  %s\n", "stream", "feature", "version", "type", "n",
              "missing", "origin");
  for (const auto& row : rows) {
    std::printf("%-20s %-20s %6lld%s %-11s %10lld %9lld  %s\n",
                row["stream"].get<std::string>().c_str(), row["feature"].get<std::string>().c_str(),
                static_cast<long long>(row["version"].get<int64_t>()),
                row["active"].get<bool>() ? "*" : " ", row["type"].get<std::string>().c_str(),
                static_cast<long long>(row["n"].get<int64_t>()),
                static_cast<long long>(row["missing"].get<int64_t>()),
                row["origin"].get<std::string>().c_str());
  }
}

void print_show(const nlohmann::ordered_json& reference) {
  std::printf("%s / %s, version %lld%s (%s, from %s): n = %llu, missing = %llu\n",
              reference["stream"].get<std::string>().c_str(),
              reference["feature"].get<std::string>().c_str(),
              static_cast<long long>(reference["version"].get<int64_t>()),
              reference["active"].get<bool>() ? ", active" : "",
              reference["type"].get<std::string>().c_str(),
              reference["origin"].get<std::string>().c_str(),
              static_cast<unsigned long long>(reference["n"].get<uint64_t>()),
              static_cast<unsigned long long>(reference["missing"].get<uint64_t>()));
  for (const auto& bin : reference["bins"]) {
    std::printf("  %-32s %10llu  %6.2f%%\n", bin["label"].get<std::string>().c_str(),
                static_cast<unsigned long long>(bin["count"].get<uint64_t>()),
                100.0 * bin["share"].get<double>());
  }
}

}  // namespace

int run_reference(int argc, const char* const* argv) {
  const std::string_view action = argc >= 2 ? argv[1] : "";
  if (action == "import") return run_reference_import(argc - 1, argv + 1);
  if (action == "promote") return run_reference_promote(argc - 1, argv + 1);
  if (action != "list" && action != "show") {
    if (action == "--help" || action == "-h") {
      std::cout << kUsage;
      return kExitOk;
    }
    throw UsageError("expected 'list', 'show', 'import' or 'promote' (driftctl reference --help)");
  }
  po::options_description options("options");
  std::string db_path, stream, feature, format = "table";
  int64_t version = 0;
  options.add_options()("help,h", "this help")("db", po::value(&db_path))(
      "stream", po::value(&stream))("feature", po::value(&feature))(
      "version", po::value(&version))("format", po::value(&format));
  const auto parsed = parse_arguments(argc - 1, argv + 1, options, kUsage);
  if (!parsed) return kExitOk;
  const OutputFormat output = parse_output_format(format);
  if (db_path.empty()) throw UsageError("--db is required (the driftd database file)");
  if (version < 0) throw UsageError("--version: must be >= 1");

  store::Database db(db_path, store::Database::Mode::kReadOnly);
  nlohmann::ordered_json result;
  if (action == "list") {
    result = list_json(db, stream);
    if (output == OutputFormat::kTable) print_list(result);
  } else {
    if (stream.empty() || feature.empty()) throw UsageError("show needs --stream and --feature");
    result = show_json(db, stream, feature, version);
    if (output == OutputFormat::kTable) print_show(result);
  }
  if (output == OutputFormat::kJson) std::cout << result.dump(2) << '\n';
  return kExitOk;
}

}  // namespace driftd::cli
