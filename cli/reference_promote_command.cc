#include "cli/reference_promote_command.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_error.h"
#include "cli/command_line.h"
#include "cli/driftd_config.h"
#include "cli/reference_switch.h"
#include "cli/stored_references_output.h"
#include "common/clock.h"
#include "store/reference_promotion.h"

namespace driftd::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: driftctl reference promote --db FILE --stream NAME --window-start MS\n"
    "                                  [--feature NAME ...] [--config DRIFTD.json [--from MS]]\n"
    "                                  [--format table|json]\n"
    "\n"
    "Makes a stored closed window (window_metrics.window_start = MS; for count windows its\n"
    "first sequence number) the new active reference of the stream's features, pairs and\n"
    "groups, or of those named: the active reference's bins with the window's counts, a\n"
    "pair's joint cells, a group's mean and covariance. The window must have been compared\n"
    "with the reference that is still active. A window stores no per-feature mean or\n"
    "variance, so the new feature references have no Gaussian moments. A pair not promoted\n"
    "keeps its reference (the bins are the same). Safe while driftd runs; driftd installs\n"
    "the new references at its next restart. With --config, --db defaults to its\n"
    "storage.path.\n"
    "\n"
    "Cluster mode (--config with a cluster section): the database is an instance's, only\n"
    "read; the new references are published to the references topic as a switch that every\n"
    "instance makes at the same time, as `driftctl reference import` does (see its --from).\n";

constexpr const char* kMomentsDropped =
    "dropped: a window stores no mean or variance, so gaussian_kl stays empty until a "
    "reference with moments is stored again";

// The stream's active references with the promoted ones in place of
// theirs: what a cluster switches to.
StreamReferences with_promotion(StreamReferences references, const config::StreamConfig& stream,
                                const store::Promotion& promotion) {
  const auto index_of = [&](const auto& configured, const std::string& name) {
    for (std::size_t i = 0; i < configured.size(); ++i) {
      if (configured[i].name == name) return i;
    }
    throw UsageError("stream '" + stream.name + "': '" + name +
                     "' of the database is not in the configuration (--config)");
  };
  for (const store::PromotedReference& feature : promotion.features) {
    references.features.at(index_of(stream.features, feature.feature)) = feature.reference;
  }
  for (const store::PromotedJoint& joint : promotion.joint) {
    if (joint.kind == "pair") {
      references.pairs.at(index_of(stream.pairs, joint.name)) = joint.pair;
    } else {
      references.groups.at(index_of(stream.groups, joint.name)) = joint.group;
    }
  }
  return references;
}

}  // namespace

int run_reference_promote(int argc, const char* const* argv) {
  po::options_description options("options");
  std::string db_path, stream_name, config_path, from, format = "table";
  int64_t window_start = 0;
  std::vector<std::string> features;
  options.add_options()("help,h", "this help")("db", po::value(&db_path))(
      "stream", po::value(&stream_name))("window-start", po::value(&window_start))(
      "feature", po::value(&features)->multitoken())("config", po::value(&config_path))(
      "from", po::value(&from))("format", po::value(&format));
  const auto parsed = parse_arguments(argc, argv, options, kUsage);
  if (!parsed) return kExitOk;
  const OutputFormat output = parse_output_format(format);
  std::optional<config::Config> config;
  if (!config_path.empty()) {
    config = load_driftd_config(config_path);
    if (db_path.empty()) db_path = config->storage.path.string();
  } else if (!from.empty()) {
    throw UsageError("--from needs --config (the cluster's configuration)");
  }
  if (db_path.empty()) throw UsageError("--db is required (the driftd database file)");
  if (stream_name.empty()) throw UsageError("--stream is required");
  if (!parsed->count("window-start")) throw UsageError("--window-start is required");
  const std::optional<int64_t> from_ms = config ? parse_switch_time(from, *config) : std::nullopt;
  // DriftStore would create an empty database; a mistyped path must not.
  if (!std::filesystem::is_regular_file(db_path)) throw UsageError("no database at " + db_path);

  config::StorageConfig storage;
  storage.path = db_path;
  store::DriftStore store(storage);
  std::optional<PublishedSwitch> published;
  store::Promotion promotion;
  if (config && config->cluster) {
    const config::StreamConfig& stream = stream_named(*config, stream_name, config_path);
    promotion = store::window_promotion(store, stream_name, window_start, features);
    std::optional<StreamReferences> active = store.load_active_references(stream);
    if (!active) {
      throw UsageError("stream '" + stream_name + "' has no active references in " + db_path);
    }
    published = publish_reference_switch(
        *config, stream, with_promotion(std::move(*active), stream, promotion), promotion.origin,
        from_ms, active_cluster_version(store, stream), Clock::system());
  } else {
    promotion = store::promote_window(store, stream_name, window_start, features);
  }
  const TakesEffect when = published ? TakesEffect::at_switch : TakesEffect::at_restart;

  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const store::PromotedReference& feature : promotion.features) {
    nlohmann::ordered_json row = stored_reference_json(feature.feature, feature.reference);
    row["previous_version"] = feature.previous_version;
    if (feature.previous_had_moments) row["gaussian_moments"] = kMomentsDropped;
    rows.push_back(std::move(row));
  }
  nlohmann::ordered_json joint_rows = nlohmann::ordered_json::array();
  for (const store::PromotedJoint& joint : promotion.joint) {
    joint_rows.push_back(
        {{"name", joint.name},
         {"kind", joint.kind},
         {"version", joint.version > 0 ? nlohmann::ordered_json(joint.version) : nullptr},
         {"previous_version", joint.previous_version},
         {"n", joint.n}});
  }
  if (output == OutputFormat::kJson) {
    nlohmann::ordered_json document = stored_references_document(
        stream_name, db_path, promotion.origin, rows, joint_rows, when);
    if (published) document["switch"] = switch_json(*published);
    std::cout << document.dump(2) << '\n';
  } else {
    if (published) {
      std::printf("stream '%s': every instance switches to the window starting at %lld as its "
                  "reference (reference version %lld) for events from %lld ms on\n",
                  stream_name.c_str(), static_cast<long long>(window_start),
                  static_cast<long long>(published->version),
                  static_cast<long long>(published->from_ms));
    } else {
      std::printf("stream '%s': the window starting at %lld is the new active reference in %s\n",
                  stream_name.c_str(), static_cast<long long>(window_start), db_path.c_str());
    }
    print_stored_references(rows, joint_rows, when);
  }
  return kExitOk;
}

}  // namespace driftd::cli
