// Fuzz target: the whole text of a configuration file through
// config::parse_config, as driftd reads it at start and on SIGHUP. Properties:
//   - it returns a Config or throws ConfigError, nothing else;
//   - a ConfigError is one line, what() is "path: problem" (or the problem
//     alone for the whole text) and the path is a well-formed config path
//     (config/config_error.h): keys, ["odd keys"] and [indices];
//   - parsing is deterministic (the same text gives an equal Config);
//   - a Config it accepts is one the daemon can run: every stream builds its
//     StreamRuntime (window spec, decoder schema, reference capture) without
//     throwing, as config.h promises ("the daemon never re-checks them").
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config_parser.h"
#include "fuzz_check.h"
#include "pipeline/stream_runtime.h"

namespace driftd::fuzz {
namespace {

bool is_plain(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// key ('.' key | '[' digits ']' | '["' escaped '"]')*, or the same starting
// with a bracket; empty is the whole text.
bool well_formed_path(std::string_view path) {
  std::size_t i = 0;
  bool first = true;
  while (i < path.size()) {
    if (path[i] == '[') {
      ++i;
      if (i < path.size() && path[i] == '"') {
        ++i;
        while (i < path.size() && path[i] != '"') {
          if (static_cast<unsigned char>(path[i]) < 0x20) return false;
          i += path[i] == '\\' ? 2 : 1;
        }
        if (i >= path.size() || path.substr(i, 2) != "\"]") return false;
        i += 2;
      } else {
        const std::size_t digits = i;
        while (i < path.size() && std::isdigit(static_cast<unsigned char>(path[i])) != 0) ++i;
        if (i == digits || i >= path.size() || path[i] != ']') return false;
        ++i;
      }
    } else {
      if (!first) {
        if (path[i] != '.') return false;
        ++i;
      }
      const std::size_t start = i;
      while (i < path.size() && is_plain(path[i])) ++i;
      if (i == start) return false;
    }
    first = false;
  }
  return true;
}

void check_error(const config::ConfigError& error) {
  const std::string what = error.what();
  FUZZ_CHECK(!error.problem().empty());
  FUZZ_CHECK(what == (error.path().empty() ? error.problem()
                                           : error.path() + ": " + error.problem()));
  FUZZ_CHECK(what.find('\n') == std::string::npos && what.find('\r') == std::string::npos);
  FUZZ_CHECK(well_formed_path(error.path()));
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  config::Config parsed;
  try {
    parsed = config::parse_config(text);
  } catch (const config::ConfigError& error) {
    fuzz::check_error(error);
    return 0;
  }
  FUZZ_CHECK(config::parse_config(text) == parsed);
  for (const config::StreamConfig& stream : parsed.streams) {
    StreamRuntime runtime(stream, 1);
  }
  return 0;
}
