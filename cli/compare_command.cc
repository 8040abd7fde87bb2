#include "cli/compare_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_error.h"
#include "cli/column_comparison.h"
#include "cli/command_line.h"
#include "cli/group_comparison.h"
#include "cli/joint_output.h"
#include "cli/joint_selection.h"
#include "cli/pair_comparison.h"
#include "pipeline/measure_json.h"
#include "dataset/table.h"

namespace driftd::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: driftctl compare --reference FILE --current FILE [--columns a,b,...]\n"
    "         [--bins B] [--binning quantile|uniform] [--smoothing ALPHA] [--top K]\n"
    "         [--max-categories N] [--metric KEY] [--threshold T] [--max-p-value P]\n"
    "         [--fail-on-drift] [--format table|json]\n"
    "         [--pairs x:y[,x:y...]] [--groups a,b[,c...]] [--ridge R]\n"
    "\n"
    "FILEs are CSV with a header row, or NDJSON. A column is numeric when every\n"
    "present value parses as a number, else categorical. Bins come from the\n"
    "reference. A column is flagged DRIFT when METRIC >= T and the calibrated\n"
    "p-value (p_value_calibrated, docs/metrics.md) <= P (defaults: jsd_corrected,\n"
    "0.003, and 0.001: the daemon's default thresholds). With --fail-on-drift the exit\n"
    "code is 1 when any column drifted.\n"
    "\n"
    "--pairs x:y compares the joint table of x's bins by y's bins (each column binned\n"
    "as above; x and y numeric or categorical) and splits its KL by the chain rule:\n"
    "x's own drift plus the change of y given x, and likewise with y first. --groups\n"
    "a,b,c (numeric columns; repeat the option for more groups) compares normals\n"
    "fitted to the rows where all are present and finite: Gaussian KL (location,\n"
    "shape, scale), Hotelling's T^2 and Box's M; --ridge R (0 to 1, default 0) adds\n"
    "R times each reference variance to the covariances. --columns does not limit\n"
    "them, and they do not count for DRIFT or --fail-on-drift. JSON: docs/api.md.\n";

struct DriftRule {
  std::string metric = "jsd_corrected";
  double threshold = 0.003;
  double max_p_value = 0.001;
};

// A measure or a real-valued significance value (jsd_corrected, g_statistic...).
double metric_value(const ColumnComparison& column, const std::string& metric) {
  for (const auto& field : kMeasureFields) {
    if (field.key == metric) return column.result.measures.*field.member;
  }
  std::optional<double> value;
  const auto match = [&](const auto& field) {
    if (field.key == metric) value = static_cast<double>(column.result.significance.*field.member);
  };
  std::apply([&](const auto&... field) { (match(field), ...); }, kSignificanceFields);
  if (!value) throw UsageError("--metric: unknown measure '" + metric + "'");
  return *value;
}

bool drifted(const ColumnComparison& column, const DriftRule& rule) {
  return metric_value(column, rule.metric) >= rule.threshold &&
         column.result.significance.p_value_calibrated <= rule.max_p_value;
}

nlohmann::ordered_json column_json(const ColumnComparison& column, bool drift) {
  nlohmann::ordered_json out;
  out["type"] = column.numeric ? "numeric" : "categorical";
  out["n_ref"] = column.n_reference;
  out["n_cur"] = column.n_current;
  out["missing_ref"] = column.missing_reference;
  out["missing_cur"] = column.missing_current;
  out["bins"] = column.bins;
  add_measures_json(column.result.measures, &column.result.significance, out);
  out["top_bins"] = top_bins_json(column.top_bins);
  out["drift"] = drift;
  return out;
}

void print_table(const std::vector<ColumnComparison>& columns, const std::vector<bool>& drift,
                 const DriftRule& rule) {
  std::printf("%-5s  %-20s %-11s %8s %8s %13s %5s %10s %10s %10s %10s %10s %10s  %s\n", "",
              "column", "type", "n_ref", "n_cur", "missing r/c", "bins", "jsd", "jsd_corr", "psi",
              "kl_pq", "kl_qp", "p_cal", "top bin (p vs q)");
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const ColumnComparison& c = columns[i];
    const DivergenceMeasures& m = c.result.measures;
    std::string top = "-";
    if (!c.top_bins.empty()) {
      const auto& bin = c.top_bins.front();
      top = bin.label + " " + format_number(bin.contribution.p) + " vs " +
            format_number(bin.contribution.q);
    }
    const std::string missing =
        std::to_string(c.missing_reference) + "/" + std::to_string(c.missing_current);
    std::printf("%-5s  %-20s %-11s %8llu %8llu %13s %5zu %10s %10s %10s %10s %10s %10s  %s\n",
                drift[i] ? "DRIFT" : "", c.name.c_str(), c.numeric ? "numeric" : "categorical",
                static_cast<unsigned long long>(c.n_reference),
                static_cast<unsigned long long>(c.n_current), missing.c_str(), c.bins,
                format_number(m.jsd).c_str(),
                format_number(c.result.significance.jsd_corrected).c_str(),
                format_number(m.psi).c_str(), format_number(m.kl_pq).c_str(),
                format_number(m.kl_qp).c_str(),
                format_p_value(c.result.significance.p_value_calibrated).c_str(), top.c_str());
  }
  std::printf(
      "\nDRIFT: %s >= %s and p_value_calibrated <= %s. Values in nats; P = current, Q = "
      "reference.\n",
              rule.metric.c_str(), format_number(rule.threshold).c_str(),
              format_number(rule.max_p_value).c_str());
}

}  // namespace

int run_compare(int argc, const char* const* argv) {
  po::options_description options("options");
  std::string reference_path, current_path, columns_text, binning = "quantile", format = "table";
  std::vector<std::string> pair_values, group_values;
  ColumnBinningOptions binning_options;
  ColumnCompareOptions compare;
  DriftRule rule;
  double ridge = 0.0;
  int bins = static_cast<int>(binning_options.bins);
  int top_k = static_cast<int>(compare.top_k);
  int max_categories = static_cast<int>(binning_options.max_categories);
  options.add_options()("help,h", "this help")("reference", po::value(&reference_path))(
      "current", po::value(&current_path))("columns", po::value(&columns_text))(
      "bins", po::value(&bins))("binning", po::value(&binning))(
      "smoothing", po::value(&compare.smoothing))("top", po::value(&top_k))(
      "max-categories", po::value(&max_categories))("metric", po::value(&rule.metric))(
      "threshold", po::value(&rule.threshold))("max-p-value", po::value(&rule.max_p_value))(
      "fail-on-drift", "exit 1 when a column drifted")("format", po::value(&format))(
      "pairs", po::value(&pair_values)->composing())(
      "groups", po::value(&group_values)->composing())("ridge", po::value(&ridge));
  const auto parsed = parse_arguments(argc, argv, options, kUsage);
  if (!parsed) return kExitOk;
  const po::variables_map& args = *parsed;
  if (reference_path.empty()) throw UsageError("--reference is required");
  if (current_path.empty()) throw UsageError("--current is required");
  if (bins < 1 || bins > 4096) {
    throw UsageError("--bins: must be an integer between 1 and 4096, got " + std::to_string(bins));
  }
  if (top_k < 0) throw UsageError("--top: must be >= 0, got " + std::to_string(top_k));
  if (max_categories < 1) {
    throw UsageError("--max-categories: must be >= 1, got " + std::to_string(max_categories));
  }
  if (binning == "quantile") {
    binning_options.method = NumericBinningMethod::kQuantile;
  } else if (binning == "uniform") {
    binning_options.method = NumericBinningMethod::kUniform;
  } else {
    throw UsageError("--binning: must be 'quantile' or 'uniform', got '" + binning + "'");
  }
  if (!std::isfinite(compare.smoothing) || compare.smoothing < 0) {
    throw UsageError("--smoothing: must be a finite number >= 0");
  }
  if (!(ridge >= 0 && ridge <= 1)) throw UsageError("--ridge: must be a number from 0 to 1");
  if (args.count("metric") && rule.metric != "jsd" && !args.count("threshold")) {
    throw UsageError("--threshold is required with --metric " + rule.metric);
  }
  const OutputFormat output = parse_output_format(format);
  binning_options.bins = static_cast<std::size_t>(bins);
  binning_options.max_categories = static_cast<std::size_t>(max_categories);
  compare.top_k = static_cast<std::size_t>(top_k);

  const Table reference = read_table(reference_path);
  const Table current = read_table(current_path);
  std::vector<std::string> names;
  if (args.count("columns")) {
    names = split_list(columns_text, ',');
  } else {
    for (const Column& column : reference.columns()) names.push_back(column.name);
  }
  for (const std::string& name : names) {
    if (reference.find(name) == nullptr) {
      throw UsageError(reference_path + ": no column '" + name + "'");
    }
    if (current.find(name) == nullptr) throw UsageError(current_path + ": no column '" + name + "'");
  }
  const JointSelection joint = select_joint(pair_values, group_values,
                                            {reference, reference_path, current, current_path});

  // Each column is binned once, for its own comparison and for its pairs.
  std::map<std::string, BinnedColumn> binned;
  const auto binned_column = [&](const std::string& name) -> const BinnedColumn& {
    auto it = binned.find(name);
    if (it == binned.end()) {
      it = binned.emplace(name, bin_column(*reference.find(name), *current.find(name),
                                           binning_options))
               .first;
    }
    return it->second;
  };
  std::vector<ColumnComparison> results;
  for (const std::string& name : names) {
    results.push_back(compare_column(binned_column(name), compare));
  }
  metric_value(results.front(), rule.metric);  // validates --metric before output
  std::vector<PairComparison> pairs;
  for (const PairSelection& pair : joint.pairs) {
    pairs.push_back(compare_pair(binned_column(pair.x), binned_column(pair.y), compare.smoothing));
  }
  std::vector<GroupComparison> groups;
  for (const std::vector<std::string>& features : joint.groups) {
    std::vector<const Column*> ref_columns, cur_columns;
    for (const std::string& name : features) {
      ref_columns.push_back(reference.find(name));
      cur_columns.push_back(current.find(name));
    }
    groups.push_back(compare_group(ref_columns, cur_columns, ridge));
  }

  std::vector<std::size_t> order(results.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return results[a].result.measures.jsd > results[b].result.measures.jsd;
  });
  std::vector<ColumnComparison> sorted;
  std::vector<bool> drift;
  for (std::size_t i : order) {
    drift.push_back(drifted(results[i], rule));
    sorted.push_back(std::move(results[i]));
  }

  if (output == OutputFormat::kJson) {
    nlohmann::ordered_json out;
    out["reference"] = reference_path;
    out["current"] = current_path;
    out["smoothing"] = compare.smoothing;
    out["binning"] = binning;
    if (!groups.empty()) out["ridge"] = ridge;
    nlohmann::ordered_json features = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      features[sorted[i].name] = column_json(sorted[i], drift[i]);
    }
    out["features"] = std::move(features);
    if (!pairs.empty()) out["pairs"] = pairs_json(pairs);
    if (!groups.empty()) out["groups"] = groups_json(groups);
    std::cout << out.dump(2) << '\n';
  } else {
    print_table(sorted, drift, rule);
    if (!pairs.empty()) print_pairs_table(pairs);
    if (!groups.empty()) print_groups_table(groups);
  }
  const bool any_drift = std::find(drift.begin(), drift.end(), true) != drift.end();
  return any_drift && args.count("fail-on-drift") ? kExitDrift : kExitOk;
}

}  // namespace driftd::cli
