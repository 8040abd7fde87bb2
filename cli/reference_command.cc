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
#include "store/history_queries.h"
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
    result = store::references_json(db, stream);
    if (output == OutputFormat::kTable) print_list(result);
  } else {
    if (stream.empty() || feature.empty()) throw UsageError("show needs --stream and --feature");
    result = store::reference_json(db, stream, feature, version);
    if (output == OutputFormat::kTable) print_show(result);
  }
  if (output == OutputFormat::kJson) std::cout << result.dump(2) << '\n';
  return kExitOk;
}

}  // namespace driftd::cli
