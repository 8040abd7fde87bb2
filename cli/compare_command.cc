#include "cli/compare_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_error.h"
#include "cli/column_comparison.h"
#include "cli/compare_data.h"
#include "cli/command_line.h"
#include "cli/group_comparison.h"
#include "cli/joint_output.h"
#include "cli/joint_selection.h"
#include "cli/pair_comparison.h"
#include "pipeline/measure_json.h"
#include "dataset/data_file.h"
#include "dataset/record_scanner.h"

namespace driftd::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: driftctl compare --reference FILE --current FILE [options]\n"
    "\n"
    "FILEs are CSV with a header row, or NDJSON. A column is numeric when every present\n"
    "value in both files parses as a number, else categorical. Bins come from the\n"
    "reference. A column is flagged DRIFT when METRIC >= T and the calibrated p-value\n"
    "(p_value_calibrated, docs/metrics.md) <= P.\n"
    "\n"
    "options (default in brackets):\n"
    "  --columns a,b,...       compare these columns only [every column of the reference]\n"
    "  --exclude a,b,...       do not compare these columns [none]\n"
    "  --bins B                numeric bins, 1 to 4096 [10]\n"
    "  --binning quantile|uniform   numeric bin edges from the reference [quantile]\n"
    "  --max-categories N      categories kept, the rest in __other__ [100]\n"
    "  --smoothing ALPHA       additive smoothing of the counts [0.5]\n"
    "  --top K                 bins listed by their share of kl_pq [3]\n"
    "  --metric KEY            measure for DRIFT [jsd_corrected]: a measure key of the\n"
    "                          JSON, or ks, wasserstein, wasserstein_normed\n"
    "  --threshold T           DRIFT when METRIC >= T [0.003; required with another --metric]\n"
    "  --max-p-value P         DRIFT only when p_value_calibrated <= P [0.001]\n"
    "  --fail-on-drift         exit 1 when a column drifted [exit 0]\n"
    "  --units nats|bits       unit of the information measures and of T [nats]\n"
    "  --format table|json     output [table]\n"
    "  --threads N             threads that read the files [every core]\n"
    "  --memory SIZE           budget for the values held, e.g. 512M, 4G [1G]\n"
    "  --pairs x:y[,x:y...]    feature pairs [none]\n"
    "  --groups a,b[,c...]     groups of numeric columns; repeat for more [none]\n"
    "  --ridge R               0 to 1, added share of each reference variance [0]\n"
    "\n"
    "By default, columns that cannot be compared meaningfully are reported under\n"
    "\"skipped\" and not compared: date-like (every value a date or date-time), ID-like\n"
    "(a categorical column with more distinct values than half its rows, at least 1,000;\n"
    "or integers increasing row by row), and columns with no value on one side. Name a\n"
    "column in --columns to compare it anyway.\n"
    "\n"
    "--memory bounds the reference values held for the quantile edges: when they do\n"
    "not fit, the reference is read again (usually once more) and the edges are\n"
    "still exact. Categories (at most 65,536 per column) and the rows of --pairs\n"
    "columns (4 bytes per row and column) are not counted in it.\n"
    "\n"
    "Numeric columns also get, in JSON, \"value_scale\": the two-sample KS statistic and\n"
    "its p-value and the Wasserstein distance (also divided by the reference's standard\n"
    "deviation, as Evidently normalises it), from a grid of about 2,048 cells at reference\n"
    "quantiles, with the most the grid can hide (docs/metrics.md).\n"
    "\n"
    "--units bits divides the measures in nats (kl_pq, kl_qp, jsd, psi, the entropies,\n"
    "their corrected forms, the bins' contributions) by ln 2, js_distance by sqrt(ln 2).\n"
    "\n"
    "--pairs x:y compares the joint table of x's bins by y's bins (each column binned\n"
    "as above; x and y numeric or categorical) and splits its KL by the chain rule:\n"
    "x's own drift plus the change of y given x, and likewise with y first. --groups\n"
    "a,b,c compares normals fitted to the rows where all are present and finite:\n"
    "Gaussian KL (location, shape, scale), Hotelling's T^2 and Box's M. --ridge adds\n"
    "R times each reference variance to the covariances. --columns does not limit\n"
    "them, they are in nats whatever --units says, and they do not count for DRIFT or\n"
    "--fail-on-drift. JSON: docs/api.md.\n";

struct DriftRule {
  std::string metric = "jsd_corrected";
  double threshold = 0.003;
  double max_p_value = 0.001;
};

// The value_scale keys --metric accepts; NaN for a column without them
// (categorical), which then never drifts by them.
std::optional<double> value_scale_metric(const BinnedColumn& column, const std::string& metric) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::optional<CdfDistances>& d = column.value_distances;
  if (metric == "ks") return d ? d->ks : nan;
  if (metric == "wasserstein") return d ? d->wasserstein : nan;
  if (metric == "wasserstein_normed") {
    return d && column.reference_std > 0 ? d->wasserstein / column.reference_std : nan;
  }
  return std::nullopt;
}

// A measure, a real-valued significance value (jsd_corrected,
// g_statistic...) or a value_scale distance (ks, wasserstein_normed...).
double metric_value(const ColumnComparison& column, const BinnedColumn& binned,
                    const std::string& metric) {
  if (const std::optional<double> value = value_scale_metric(binned, metric)) return *value;
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

bool drifted(const ColumnComparison& column, const BinnedColumn& binned, const DriftRule& rule) {
  return metric_value(column, binned, rule.metric) >= rule.threshold &&
         column.result.significance.p_value_calibrated <= rule.max_p_value;
}

// The information measures in bits (metrics.md: a bits option divides by
// ln 2 on output; everything is computed in nats).
void convert_to_bits(ColumnComparison& column) {
  const double ln2 = std::log(2.0);
  DivergenceMeasures& m = column.result.measures;
  for (double* nats : {&m.kl_pq, &m.kl_qp, &m.jsd, &m.psi, &m.entropy_p, &m.entropy_q,
                       &m.cross_entropy_pq}) {
    *nats /= ln2;
  }
  m.js_distance /= std::sqrt(ln2);
  Significance& s = column.result.significance;
  for (double* nats : {&s.kl_pq_corrected, &s.jsd_corrected, &s.psi_corrected}) *nats /= ln2;
  for (LabelledContribution& bin : column.top_bins) bin.contribution.contribution /= ln2;
}

// Both sides' counts per bin, for a plot: the numeric edges or the
// categories, in bin order.
nlohmann::ordered_json histogram_json(const BinnedColumn& column) {
  nlohmann::ordered_json out;
  if (column.numeric) {
    out["edges"] = column.edges;
  } else {
    out["categories"] = column.labels;
  }
  out["reference"] = column.reference_counts;
  out["current"] = column.current_counts;
  return out;
}

nlohmann::ordered_json column_json(const ColumnComparison& column, const BinnedColumn& binned,
                                   bool drift) {
  nlohmann::ordered_json out;
  out["type"] = column.numeric ? "numeric" : "categorical";
  out["n_ref"] = column.n_reference;
  out["n_cur"] = column.n_current;
  out["missing_ref"] = column.missing_reference;
  out["missing_cur"] = column.missing_current;
  out["bins"] = column.bins;
  add_measures_json(column.result.measures, &column.result.significance, out);
  out["top_bins"] = top_bins_json(column.top_bins);
  if (binned.value_distances) {
    const CdfDistances& d = *binned.value_distances;
    nlohmann::ordered_json scale;
    scale["ks"] = d.ks;
    scale["ks_p_value"] = d.ks_p_value;
    scale["ks_error_bound"] = d.ks_error_bound;
    scale["wasserstein"] = d.wasserstein;
    scale["wasserstein_normed"] =
        binned.reference_std > 0 ? nlohmann::ordered_json(d.wasserstein / binned.reference_std)
                                 : nlohmann::ordered_json(nullptr);
    scale["wasserstein_error_bound"] = d.wasserstein_error_bound;
    out["value_scale"] = std::move(scale);
  }
  out["histogram"] = histogram_json(binned);
  out["drift"] = drift;
  return out;
}

void print_table(const std::vector<ColumnComparison>& columns, const std::vector<bool>& drift,
                 const DriftRule& rule, const std::string& units) {
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
  std::printf("\nDRIFT: %s >= %s and p_value_calibrated <= %s. Values in %s; P = current, Q = "
              "reference.\n",
              rule.metric.c_str(), format_number(rule.threshold).c_str(),
              format_number(rule.max_p_value).c_str(), units.c_str());
}

void print_skipped(const std::vector<SkippedColumn>& skipped) {
  if (skipped.empty()) return;
  std::printf("\nNot compared (name them in --columns to compare them):\n");
  for (const SkippedColumn& column : skipped) {
    std::printf("  %-20s %s\n", column.name.c_str(), column.reason.c_str());
  }
}

// The columns compared one by one: --columns, else every column of the
// reference; minus --exclude. Each must be in both files.
std::vector<std::string> chosen_columns(const po::variables_map& args, const std::string& columns,
                                        const std::string& exclude,
                                        const std::vector<std::string>& reference_columns,
                                        const std::string& reference_path,
                                        const std::vector<std::string>& current_columns,
                                        const std::string& current_path) {
  const auto has = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  std::vector<std::string> excluded;
  if (args.count("exclude")) excluded = split_list(exclude, ',');
  for (const std::string& name : excluded) {
    if (!has(reference_columns, name)) {
      throw UsageError("--exclude: " + reference_path + " has no column '" + name + "'");
    }
  }
  const std::vector<std::string> candidates =
      args.count("columns") ? split_list(columns, ',') : reference_columns;
  std::vector<std::string> names;
  for (const std::string& name : candidates) {
    if (!has(reference_columns, name)) {
      throw UsageError(reference_path + ": no column '" + name + "'");
    }
    if (!has(current_columns, name)) throw UsageError(current_path + ": no column '" + name + "'");
    if (!has(excluded, name) && !has(names, name)) names.push_back(name);
  }
  return names;
}

}  // namespace

int run_compare(int argc, const char* const* argv) {
  po::options_description options("options");
  std::string reference_path, current_path, columns_text, exclude_text, binning = "quantile",
                                                                         format = "table",
                                                                         units = "nats";
  std::vector<std::string> pair_values, group_values;
  ColumnBinningOptions binning_options;
  ColumnCompareOptions compare;
  DriftRule rule;
  double ridge = 0.0;
  int bins = static_cast<int>(binning_options.bins);
  int top_k = static_cast<int>(compare.top_k);
  int max_categories = static_cast<int>(binning_options.max_categories);
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string memory_text = "1G";
  options.add_options()("help,h", "this help")("reference", po::value(&reference_path))(
      "current", po::value(&current_path))("columns", po::value(&columns_text))(
      "exclude", po::value(&exclude_text))("bins", po::value(&bins))(
      "binning", po::value(&binning))("smoothing", po::value(&compare.smoothing))(
      "top", po::value(&top_k))("max-categories", po::value(&max_categories))(
      "metric", po::value(&rule.metric))("threshold", po::value(&rule.threshold))(
      "max-p-value", po::value(&rule.max_p_value))("fail-on-drift", "exit 1 when a column drifted")(
      "units", po::value(&units))("format", po::value(&format))("threads", po::value(&threads))(
      "memory", po::value(&memory_text))(
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
  if (threads < 1 || threads > 256) {
    throw UsageError("--threads: must be an integer between 1 and 256, got " +
                     std::to_string(threads));
  }
  if (binning == "quantile") {
    binning_options.method = NumericBinningMethod::kQuantile;
  } else if (binning == "uniform") {
    binning_options.method = NumericBinningMethod::kUniform;
  } else {
    throw UsageError("--binning: must be 'quantile' or 'uniform', got '" + binning + "'");
  }
  if (units != "nats" && units != "bits") {
    throw UsageError("--units: must be 'nats' or 'bits', got '" + units + "'");
  }
  if (!std::isfinite(compare.smoothing) || compare.smoothing < 0) {
    throw UsageError("--smoothing: must be a finite number >= 0");
  }
  if (!(ridge >= 0 && ridge <= 1)) throw UsageError("--ridge: must be a number from 0 to 1");
  if (args.count("metric") && rule.metric != "jsd" && !args.count("threshold")) {
    throw UsageError("--threshold is required with --metric " + rule.metric);
  }
  const std::size_t memory = parse_byte_size("--memory", memory_text, std::size_t{16} << 20);
  const OutputFormat output = parse_output_format(format);
  binning_options.bins = static_cast<std::size_t>(bins);
  binning_options.max_categories = static_cast<std::size_t>(max_categories);
  compare.top_k = static_cast<std::size_t>(top_k);
  ScanOptions scan;
  scan.threads = static_cast<unsigned>(threads);

  const DataFile reference = DataFile::open(reference_path);
  const DataFile current = DataFile::open(current_path);
  const std::vector<std::string> reference_columns = column_names(reference, scan.threads);
  const std::vector<std::string> current_columns = column_names(current, scan.threads);
  CompareSelection selection;
  selection.named = args.count("columns") > 0;
  selection.columns = chosen_columns(args, columns_text, exclude_text, reference_columns,
                                     reference_path, current_columns, current_path);
  selection.joint = select_joint(pair_values, group_values,
                                 {reference_columns, reference_path, current_columns, current_path});
  const CompareData data =
      read_compare_data(reference, current, selection, binning_options, scan, memory);

  std::vector<ColumnComparison> results;
  for (const std::string& name : data.compared) {
    results.push_back(compare_column(data.binned.at(name), compare));
    if (units == "bits") convert_to_bits(results.back());
  }
  if (!results.empty()) {  // validates --metric
    metric_value(results.front(), data.binned.at(results.front().name), rule.metric);
  }
  std::vector<PairComparison> pairs;
  for (const PairSelection& pair : selection.joint.pairs) {
    pairs.push_back(
        compare_pair(data.binned.at(pair.x), data.binned.at(pair.y), compare.smoothing));
  }
  std::vector<GroupComparison> groups;
  for (const GroupSides& group : data.groups) groups.push_back(compare_group(group, ridge));

  std::vector<std::size_t> order(results.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return results[a].result.measures.jsd > results[b].result.measures.jsd;
  });
  std::vector<ColumnComparison> sorted;
  std::vector<bool> drift;
  for (std::size_t i : order) {
    drift.push_back(drifted(results[i], data.binned.at(results[i].name), rule));
    sorted.push_back(std::move(results[i]));
  }

  if (output == OutputFormat::kJson) {
    nlohmann::ordered_json out;
    out["reference"] = reference_path;
    out["current"] = current_path;
    out["smoothing"] = compare.smoothing;
    out["binning"] = binning;
    out["units"] = units;
    if (!groups.empty()) out["ridge"] = ridge;
    out["reads"] = {{"reference", data.reference_reads}, {"current", data.current_reads}};
    nlohmann::ordered_json features = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      features[sorted[i].name] = column_json(sorted[i], data.binned.at(sorted[i].name), drift[i]);
    }
    out["features"] = std::move(features);
    nlohmann::ordered_json skipped = nlohmann::ordered_json::object();
    for (const SkippedColumn& column : data.skipped) skipped[column.name] = column.reason;
    out["skipped"] = std::move(skipped);
    if (!pairs.empty()) out["pairs"] = pairs_json(pairs);
    if (!groups.empty()) out["groups"] = groups_json(groups);
    std::cout << out.dump(2) << '\n';
  } else {
    print_table(sorted, drift, rule, units);
    print_skipped(data.skipped);
    if (!pairs.empty()) print_pairs_table(pairs);
    if (!groups.empty()) print_groups_table(groups);
  }
  const bool any_drift = std::find(drift.begin(), drift.end(), true) != drift.end();
  return any_drift && args.count("fail-on-drift") ? kExitDrift : kExitOk;
}

}  // namespace driftd::cli
