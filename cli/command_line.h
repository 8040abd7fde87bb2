// What every driftctl subcommand does with its arguments: Boost.Program_options
// parsing, --help, the shared --format option, lists such as --columns
// a,b,c and sizes such as --memory 1G.
#pragma once

#include <cstddef>
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

// A size in bytes: an integer with an optional binary unit, K/KiB, M/MiB,
// G/GiB or T/TiB ("1G", "512MiB", "1073741824"). UsageError naming `option`
// (e.g. "--memory") for anything else, or for less than `minimum` bytes.
std::size_t parse_byte_size(const std::string& option, const std::string& text,
                            std::size_t minimum);

// The items of a list separated by `separator`, empty ones kept: "a,,b" is
// {"a", "", "b"}, "" is {""}.
std::vector<std::string> split_list(const std::string& text, char separator);

}  // namespace driftd::cli
