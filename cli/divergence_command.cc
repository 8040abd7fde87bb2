#include "cli/divergence_command.h"

#include <cmath>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_error.h"
#include "cli/command_line.h"
#include "pipeline/measure_json.h"
#include "dataset/table.h"
#include "divergence/divergence.h"

namespace driftd::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: driftctl divergence --p LIST --q LIST [--counts] [--smoothing ALPHA]\n"
    "                           [--format table|json]\n"
    "\n"
    "P is the current distribution, Q the reference. LIST is comma-separated:\n"
    "probabilities summing to 1, or with --counts non-negative integer counts,\n"
    "which are smoothed additively (p_k = (c_k + alpha) / (n + K alpha)) and also\n"
    "give the G-test of homogeneity on the raw counts. Values are in nats.\n";

std::vector<double> parse_list(const std::string& option, const std::string& text) {
  std::vector<double> values;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma - start);
    const auto number = parse_number(item);
    if (!number || !std::isfinite(*number)) {
      throw UsageError("--" + option + ": item " + std::to_string(values.size() + 1) + " ('" +
                       item + "') is not a finite number");
    }
    if (*number < 0) {
      throw UsageError("--" + option + ": item " + std::to_string(values.size() + 1) + " (" +
                       item + ") is negative");
    }
    values.push_back(*number);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return values;
}

std::vector<uint64_t> as_counts(const std::string& option, const std::vector<double>& values) {
  std::vector<uint64_t> counts;
  counts.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] != std::floor(values[i]) || values[i] >= 1.8e19) {
      throw UsageError("--" + option + ": item " + std::to_string(i + 1) + " (" +
                       format_number(values[i]) + ") is not a whole count");
    }
    counts.push_back(static_cast<uint64_t>(values[i]));
  }
  return counts;
}

void print_table(const nlohmann::ordered_json& result) {
  std::cout << "measure            value (nats unless noted)\n";
  for (const auto& [key, value] : result.items()) {
    if (key == "infinite") continue;
    std::string text;
    if (value.is_null()) {
      text = "inf";
    } else if (value.is_number_integer() || value.is_number_unsigned()) {
      text = std::to_string(value.get<int64_t>());
    } else {
      text = format_number(value.get<double>());
    }
    std::cout << key << std::string(key.size() < 19 ? 19 - key.size() : 1, ' ') << text << '\n';
  }
}

}  // namespace

int run_divergence(int argc, const char* const* argv) {
  po::options_description options("options");
  std::string p_text, q_text, format = "table";
  double alpha = 0.5;
  options.add_options()("help,h", "this help")("p", po::value(&p_text), "current distribution")(
      "q", po::value(&q_text), "reference distribution")("counts", "the lists are raw counts")(
      "smoothing", po::value(&alpha), "additive smoothing alpha for --counts (default 0.5)")(
      "format", po::value(&format), "table (default) or json");
  const auto parsed = parse_arguments(argc, argv, options, kUsage);
  if (!parsed) return kExitOk;
  const po::variables_map& args = *parsed;
  if (p_text.empty()) throw UsageError("--p is required (comma-separated values)");
  if (q_text.empty()) throw UsageError("--q is required (comma-separated values)");
  const OutputFormat output = parse_output_format(format);
  const bool counts = args.count("counts") > 0;
  if (args.count("smoothing") && !counts) {
    throw UsageError("--smoothing applies to --counts only (probabilities are used as given)");
  }
  if (!std::isfinite(alpha) || alpha < 0) {
    throw UsageError("--smoothing: must be a finite number >= 0, got " + format_number(alpha));
  }

  const std::vector<double> p = parse_list("p", p_text);
  const std::vector<double> q = parse_list("q", q_text);
  nlohmann::ordered_json result;
  if (counts) {
    const std::vector<uint64_t> p_counts = as_counts("p", p);
    const std::vector<uint64_t> q_counts = as_counts("q", q);
    const CountComparison comparison = compare_counts(p_counts, q_counts, alpha);
    add_measures_json(comparison.measures, &comparison.significance, result);
    result["n_p"] = comparison.n_p;
    result["n_q"] = comparison.n_q;
    result["smoothing"] = alpha;
  } else {
    add_measures_json(measures_from_probabilities(p, q), nullptr, result);
  }

  if (output == OutputFormat::kJson) {
    std::cout << result.dump(2) << '\n';
  } else {
    print_table(result);
  }
  return kExitOk;
}

}  // namespace driftd::cli
