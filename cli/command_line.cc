#include "cli/command_line.h"

#include <iostream>

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
