#include "cli/column_binning.h"

#include <cmath>
#include <string_view>

#include "common/error.h"
#include "histogram/batch_binner.h"
#include "histogram/category_dictionary.h"
#include "histogram/numeric_binning.h"

namespace driftd::cli {
namespace {

bool all_numeric(const Column& column) {
  for (const auto& value : column.values) {
    if (value && !parse_number(*value)) return false;
  }
  return true;
}

// The bin of each value; NaN (missing) gets the binner's missing slot, which
// is bin_count(), as BinnedColumn::missing_bin() is.
std::vector<uint32_t> numeric_rows(const BatchBinner& binner, const std::vector<double>& values) {
  std::vector<uint32_t> rows(values.size());
  binner.assign(values, rows);
  return rows;
}

std::vector<uint32_t> category_rows(const CategoryDictionary& dictionary, const Column& column) {
  const auto missing = static_cast<uint32_t>(dictionary.bin_count());
  std::vector<uint32_t> rows;
  rows.reserve(column.values.size());
  for (const auto& value : column.values) {
    rows.push_back(value ? static_cast<uint32_t>(dictionary.bin_of(*value)) : missing);
  }
  return rows;
}

std::vector<std::string_view> present_values(const Column& column) {
  std::vector<std::string_view> values;
  for (const auto& value : column.values) {
    if (value) values.push_back(*value);
  }
  return values;
}

}  // namespace

bool is_numeric(const Column& reference, const Column& current) {
  return all_numeric(reference) && all_numeric(current);
}

std::vector<double> numeric_values(const Column& column) {
  std::vector<double> values;
  values.reserve(column.values.size());
  for (const auto& value : column.values) {
    values.push_back(value ? *parse_number(*value) : std::nan(""));
  }
  return values;
}

BinnedColumn bin_column(const Column& reference, const Column& current,
                        const ColumnBinningOptions& options) {
  BinnedColumn out;
  out.name = reference.name;
  out.numeric = is_numeric(reference, current);
  try {
    if (out.numeric) {
      const std::vector<double> ref_values = numeric_values(reference);
      const NumericBinning binning =
          options.method == NumericBinningMethod::kQuantile
              ? NumericBinning::quantile(ref_values, options.bins)
              : NumericBinning::uniform(ref_values, options.bins);
      const BatchBinner binner(binning);
      out.reference_rows = numeric_rows(binner, ref_values);
      out.current_rows = numeric_rows(binner, numeric_values(current));
      for (std::size_t bin = 0; bin < binning.bin_count(); ++bin) {
        out.labels.push_back(binning.label(bin));
      }
    } else {
      const CategoryDictionary dictionary = CategoryDictionary::from_union(
          present_values(reference), present_values(current), options.max_categories);
      out.reference_rows = category_rows(dictionary, reference);
      out.current_rows = category_rows(dictionary, current);
      for (std::size_t bin = 0; bin < dictionary.bin_count(); ++bin) {
        out.labels.emplace_back(dictionary.label(bin));
      }
    }
  } catch (const InputError& error) {
    throw InputError("column '" + out.name + "': " + error.what());
  }
  return out;
}

std::vector<uint64_t> bin_counts(const BinnedColumn& column, std::span<const uint32_t> rows) {
  std::vector<uint64_t> counts(column.bin_count() + 1, 0);  // last: missing
  for (const uint32_t bin : rows) ++counts[bin];
  counts.pop_back();
  return counts;
}

}  // namespace driftd::cli
