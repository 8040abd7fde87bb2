#include "cli/driftd_config.h"

#include "cli/cli_error.h"
#include "config/config_error.h"
#include "config/config_parser.h"

namespace driftd::cli {

config::Config load_driftd_config(const std::string& path) {
  try {
    return config::load_config_file(path);
  } catch (const config::ConfigError& error) {
    throw UsageError(path + ": " + error.what());
  }
}

const config::StreamConfig& stream_named(const config::Config& config, const std::string& name,
                                         const std::string& config_path) {
  std::string names;
  for (const config::StreamConfig& stream : config.streams) {
    if (stream.name == name) return stream;
    names += (names.empty() ? "" : ", ") + stream.name;
  }
  throw UsageError(config_path + ": no stream '" + name + "' (streams: " + names + ")");
}

}  // namespace driftd::cli
