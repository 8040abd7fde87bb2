// What every driftctl subcommand does with its arguments: Boost.Program_options
// parsing, --help, the shared --format option, and lists such as
// --columns a,b,c.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace driftd::cli {

// Parses argv against `options` (which must include "help"). Returns nullopt
// after printing `usage` when --help was given. Bad options throw
// boost::program_options::error (reported as a usage error by main).
std::optional<boost::program_options::variables_map> parse_arguments(
    int argc, const char* const* argv, const boost::program_options::options_description& options,
    const char* usage);

enum class OutputFormat { kTable, kJson };

// "table" or "json"; UsageError naming --format otherwise.
OutputFormat parse_output_format(const std::string& text);

// The items of a list separated by `separator`, empty ones kept: "a,,b" is
// {"a", "", "b"}, "" is {""}.
std::vector<std::string> split_list(const std::string& text, char separator);

}  // namespace driftd::cli
