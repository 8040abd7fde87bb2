#include "cli/reference_import_command.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_error.h"
#include "cli/command_line.h"
#include "cli/driftd_config.h"
#include "cli/reference_switch.h"
#include "cli/stored_references_output.h"
#include "pipeline/file_reference.h"
#include "store/drift_store.h"

namespace driftd::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: driftctl reference import --config DRIFTD.json --stream NAME\n"
    "                                 --file DATA.csv|DATA.ndjson [--db FILE]\n"
    "                                 [--from MS] [--format table|json]\n"
    "\n"
    "Builds a new reference for every feature of the stream from the file's column of the\n"
    "same name, binned as the feature's config says, and stores them as the new active\n"
    "versions (the previous versions stay, inactive). --db defaults to the config's\n"
    "storage.path (a relative path is taken from the current directory). Safe while driftd\n"
    "runs; driftd installs the new references at its next restart.\n"
    "\n"
    "Cluster mode (a config with a cluster section): publishes them to the references topic\n"
    "as a switch that every instance makes at the same time, for events from then on: the\n"
    "first pane boundary at or after --from (milliseconds since the epoch), by default the\n"
    "earliest allowed (a minute from now, plus event_time.max_future). The database (--db)\n"
    "is only read: its instance stores them when their first window comes.\n";

}  // namespace

int run_reference_import(int argc, const char* const* argv) {
  po::options_description options("options");
  std::string config_path, stream_name, file, db_path, from, format = "table";
  options.add_options()("help,h", "this help")("config", po::value(&config_path))(
      "stream", po::value(&stream_name))("file", po::value(&file))("db", po::value(&db_path))(
      "from", po::value(&from))("format", po::value(&format));
  if (!parse_arguments(argc, argv, options, kUsage)) return kExitOk;
  const OutputFormat output = parse_output_format(format);
  if (config_path.empty()) throw UsageError("--config is required (the driftd configuration)");
  if (stream_name.empty()) throw UsageError("--stream is required");
  if (file.empty()) throw UsageError("--file is required (a CSV or NDJSON file)");

  const config::Config config = load_driftd_config(config_path);
  const std::optional<int64_t> from_ms = parse_switch_time(from, config);
  const config::StreamConfig& stream = stream_named(config, stream_name, config_path);
  // Built before the database is opened, so a bad file changes nothing.
  StreamReferences references = references_from_file(stream, file);
  config::StorageConfig storage = config.storage;
  if (!db_path.empty()) storage.path = db_path;
  const std::string origin = "import:" + file;
  std::optional<PublishedSwitch> published;
  if (config.cluster) {
    // The database is only read (its active references' version); none yet
    // is not made here.
    std::optional<int64_t> active;
    if (std::filesystem::exists(storage.path)) {
      store::DriftStore store(storage);
      active = active_cluster_version(store, stream);
    }
    published = publish_reference_switch(config, stream, references, origin, from_ms, active,
                                         Clock::system());
  } else {
    store::DriftStore store(storage);
    store.sync_stream(stream);
    store.save_references(stream, references, origin);
  }

  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (std::size_t f = 0; f < references.features.size(); ++f) {
    rows.push_back(stored_reference_json(stream.features[f].name, references.features[f]));
  }
  const nlohmann::ordered_json joint_rows = stored_joint_references_json(stream, references);
  if (output == OutputFormat::kJson) {
    nlohmann::ordered_json document =
        stored_references_document(stream.name, storage.path.string(), origin, rows, joint_rows,
                                   published ? TakesEffect::at_switch : TakesEffect::at_restart);
    if (published) document["switch"] = switch_json(*published);
    std::cout << document.dump(2) << '\n';
  } else {
    if (published) {
      std::printf("stream '%s': every instance switches to the references from %s (reference "
                  "version %lld) for events from %lld ms on\n",
                  stream.name.c_str(), file.c_str(), static_cast<long long>(published->version),
                  static_cast<long long>(published->from_ms));
    } else {
      std::printf("stream '%s': new active references from %s in %s\n", stream.name.c_str(),
                  file.c_str(), storage.path.c_str());
    }
    print_stored_references(rows, joint_rows,
                            published ? TakesEffect::at_switch : TakesEffect::at_restart);
  }
  return kExitOk;
}

}  // namespace driftd::cli
