#include "cli/command_line.h"

#include <charconv>
#include <iostream>
#include <limits>
#include <utility>

#include "cli/cli_error.h"

namespace driftd::cli {

std::optional<boost::program_options::variables_map> parse_arguments(
    int argc, const char* const* argv, const boost::program_options::options_description& options,
    const char* usage) {
  namespace po = boost::program_options;
  po::variables_map args;
  po::store(po::command_line_parser(argc, argv).options(options).run(), args);
  po::notify(args);
  if (args.count("help")) {
    std::cout << usage;
    return std::nullopt;
  }
  return args;
}

OutputFormat parse_output_format(const std::string& text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  throw UsageError("--format: must be 'table' or 'json', got '" + text + "'");
}

std::size_t parse_byte_size(const std::string& option, const std::string& text,
                            std::size_t minimum) {
  const auto refuse = [&](const std::string& why) {
    return UsageError(option + ": " + why + ", got '" + text + "'");
  };
  std::size_t value = 0;
  const char* end = text.data() + text.size();
  const auto [unit_at, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || unit_at == text.data()) {
    throw refuse("must be a size such as 1G, 512MiB or a number of bytes");
  }
  const std::string unit(unit_at, end);
  constexpr std::pair<const char*, int> kUnits[] = {
      {"", 0},     {"K", 10},   {"KiB", 10}, {"M", 20},   {"MiB", 20},
      {"G", 30},   {"GiB", 30}, {"T", 40},   {"TiB", 40}};
  for (const auto& [name, shift] : kUnits) {
    if (unit != name) continue;
    if (value > (std::numeric_limits<std::size_t>::max() >> shift)) throw refuse("too large");
    const std::size_t bytes = value << shift;
    if (bytes < minimum) {
      throw refuse("must be at least " + std::to_string(minimum >> 20) + "MiB");
    }
    return bytes;
  }
  throw refuse("unknown unit '" + unit + "' (K, M, G or T, optionally KiB, MiB, GiB, TiB)");
}

std::vector<std::string> split_list(const std::string& text, char separator) {
  std::vector<std::string> items;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(separator, start);
    items.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return items;
    start = end + 1;
  }
}

}  // namespace driftd::cli
