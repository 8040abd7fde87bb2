#include "cli/column_comparison.h"

#include <cmath>
#include <string_view>

#include "common/error.h"
#include "histogram/batch_binner.h"
#include "histogram/category_dictionary.h"
#include "histogram/numeric_binning.h"

namespace driftd::cli {
namespace {

// Binned counts of one side: counts.size() == bins, plus missing.
struct SideCounts {
  std::vector<uint64_t> counts;
  uint64_t missing = 0;
};

bool all_numeric(const Column& column) {
  for (const auto& value : column.values) {
    if (value && !parse_number(*value)) return false;
  }
  return true;
}

// Present values as numbers; missing cells become NaN, which the binner
// counts apart.
std::vector<double> numeric_values(const Column& column) {
  std::vector<double> values;
  values.reserve(column.values.size());
  for (const auto& value : column.values) {
    values.push_back(value ? *parse_number(*value) : std::nan(""));
  }
  return values;
}

SideCounts count_numeric(const BatchBinner& binner, std::size_t bins,
                         const std::vector<double>& values) {
  std::vector<uint64_t> counts(bins + 1, 0);  // last slot: NaN (missing)
  binner.count(values, counts);
  SideCounts side;
  side.missing = counts.back();
  counts.pop_back();
  side.counts = std::move(counts);
  return side;
}

SideCounts count_categories(const CategoryDictionary& dictionary, const Column& column) {
  SideCounts side;
  side.counts.assign(dictionary.bin_count(), 0);
  for (const auto& value : column.values) {
    if (value) {
      ++side.counts[dictionary.bin_of(*value)];
    } else {
      ++side.missing;
    }
  }
  return side;
}

std::vector<std::string_view> present_values(const Column& column) {
  std::vector<std::string_view> values;
  for (const auto& value : column.values) {
    if (value) values.push_back(*value);
  }
  return values;
}

uint64_t total(const std::vector<uint64_t>& counts) {
  uint64_t sum = 0;
  for (uint64_t count : counts) sum += count;
  return sum;
}

}  // namespace

ColumnComparison compare_column(const Column& reference, const Column& current,
                                const ColumnCompareOptions& options) {
  ColumnComparison out;
  out.name = reference.name;
  out.numeric = all_numeric(reference) && all_numeric(current);
  try {
    SideCounts ref_side, cur_side;
    std::vector<std::string> labels;
    if (out.numeric) {
      const std::vector<double> ref_values = numeric_values(reference);
      const NumericBinning binning =
          options.binning == NumericBinningMethod::kQuantile
              ? NumericBinning::quantile(ref_values, options.bins)
              : NumericBinning::uniform(ref_values, options.bins);
      const BatchBinner binner(binning);
      ref_side = count_numeric(binner, binning.bin_count(), ref_values);
      cur_side = count_numeric(binner, binning.bin_count(), numeric_values(current));
      for (std::size_t bin = 0; bin < binning.bin_count(); ++bin) {
        labels.push_back(binning.label(bin));
      }
    } else {
      const CategoryDictionary dictionary = CategoryDictionary::from_union(
          present_values(reference), present_values(current), options.max_categories);
      ref_side = count_categories(dictionary, reference);
      cur_side = count_categories(dictionary, current);
      for (std::size_t bin = 0; bin < dictionary.bin_count(); ++bin) {
        labels.emplace_back(dictionary.label(bin));
      }
    }
    if (total(ref_side.counts) == 0) throw InputError("every reference value is missing");
    if (total(cur_side.counts) == 0) throw InputError("every current value is missing");

    out.bins = labels.size();
    out.n_reference = total(ref_side.counts);
    out.n_current = total(cur_side.counts);
    out.missing_reference = ref_side.missing;
    out.missing_current = cur_side.missing;
    // P is the current window, Q the reference.
    out.result = compare_counts(cur_side.counts, ref_side.counts, options.smoothing,
                                out.numeric ? BinOrder::kOrdered : BinOrder::kUnordered);
    const std::vector<double> p = smoothed_probabilities(cur_side.counts, options.smoothing);
    const std::vector<double> q = smoothed_probabilities(ref_side.counts, options.smoothing);
    for (const BinContribution& contribution : top_kl_contributions(p, q, options.top_k)) {
      out.top_bins.push_back({labels[contribution.bin], contribution});
    }
  } catch (const InputError& error) {
    throw InputError("column '" + out.name + "': " + error.what());
  }
  return out;
}

}  // namespace driftd::cli
