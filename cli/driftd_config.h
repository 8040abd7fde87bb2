// The driftd configuration a driftctl command is given (--config): loaded
// and validated as the daemon does, and one of its streams looked up by
// name. Either failure is a UsageError naming the file and the problem.
//
// Thread safety: plain functions.
#pragma once

#include <string>

#include "config/config.h"

namespace driftd::cli {

config::Config load_driftd_config(const std::string& path);

// `config_path`: where `config` came from, for the message.
const config::StreamConfig& stream_named(const config::Config& config, const std::string& name,
                                         const std::string& config_path);

}  // namespace driftd::cli
