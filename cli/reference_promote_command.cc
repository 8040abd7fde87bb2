#include "cli/reference_promote_command.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_error.h"
#include "cli/command_line.h"
#include "cli/stored_references_output.h"
#include "store/reference_promotion.h"

namespace driftd::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: driftctl reference promote --db FILE --stream NAME --window-start MS\n"
    "                                  [--feature NAME ...] [--format table|json]\n"
    "\n"
    "Makes a stored closed window (window_metrics.window_start = MS; for count windows its\n"
    "first sequence number) the new active reference of the stream's features, pairs and\n"
    "groups, or of those named: the active reference's bins with the window's counts, a\n"
    "pair's joint cells, a group's mean and covariance. The window must have been compared\n"
    "with the reference that is still active. A window stores no per-feature mean or\n"
    "variance, so the new feature references have no Gaussian moments. A pair not promoted\n"
    "keeps its reference (the bins are the same). Safe while driftd runs; driftd installs\n"
    "the new references at its next restart.\n";

constexpr const char* kMomentsDropped =
    "dropped: a window stores no mean or variance, so gaussian_kl stays empty until a "
    "reference with moments is stored again";

}  // namespace

int run_reference_promote(int argc, const char* const* argv) {
  po::options_description options("options");
  std::string db_path, stream, format = "table";
  int64_t window_start = 0;
  std::vector<std::string> features;
  options.add_options()("help,h", "this help")("db", po::value(&db_path))(
      "stream", po::value(&stream))("window-start", po::value(&window_start))(
      "feature", po::value(&features)->multitoken())("format", po::value(&format));
  const auto parsed = parse_arguments(argc, argv, options, kUsage);
  if (!parsed) return kExitOk;
  const OutputFormat output = parse_output_format(format);
  if (db_path.empty()) throw UsageError("--db is required (the driftd database file)");
  if (stream.empty()) throw UsageError("--stream is required");
  if (!parsed->count("window-start")) throw UsageError("--window-start is required");
  // DriftStore would create an empty database; a mistyped path must not.
  if (!std::filesystem::is_regular_file(db_path)) throw UsageError("no database at " + db_path);

  config::StorageConfig storage;
  storage.path = db_path;
  store::DriftStore store(storage);
  const store::Promotion promotion = store::promote_window(store, stream, window_start, features);

  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const store::PromotedReference& feature : promotion.features) {
    nlohmann::ordered_json row = stored_reference_json(feature.feature, feature.reference);
    row["previous_version"] = feature.previous_version;
    if (feature.previous_had_moments) row["gaussian_moments"] = kMomentsDropped;
    rows.push_back(std::move(row));
  }
  nlohmann::ordered_json joint_rows = nlohmann::ordered_json::array();
  for (const store::PromotedJoint& joint : promotion.joint) {
    joint_rows.push_back({{"name", joint.name},
                          {"kind", joint.kind},
                          {"version", joint.version},
                          {"previous_version", joint.previous_version},
                          {"n", joint.n}});
  }
  if (output == OutputFormat::kJson) {
    std::cout << stored_references_document(stream, db_path, promotion.origin, rows, joint_rows)
                     .dump(2)
              << '\n';
  } else {
    std::printf("stream '%s': the window starting at %lld is the new active reference in %s\n",
                stream.c_str(), static_cast<long long>(window_start), db_path.c_str());
    print_stored_references(rows, joint_rows);
  }
  return kExitOk;
}

}  // namespace driftd::cli
