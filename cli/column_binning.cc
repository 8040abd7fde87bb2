#include "cli/column_binning.h"

#include <numeric>

#include "common/error.h"
#include "histogram/category_dictionary.h"

namespace driftd::cli {
namespace {

// Splits counts with a missing slot at the end into the bins and the missing.
void split_missing(std::vector<uint64_t> counts, std::vector<uint64_t>& bins, uint64_t& missing) {
  missing = counts.back();
  counts.pop_back();
  bins = std::move(counts);
}

// One side of a categorical column: counts per bin, and each row's bin.
void count_categories(const ColumnScan& scan, const std::vector<uint32_t>& bin_of_id,
                      uint32_t missing_bin, bool with_rows, std::vector<uint64_t>& counts,
                      std::vector<uint32_t>& rows) {
  counts.assign(missing_bin, 0);
  const std::vector<uint64_t>& id_counts = scan.categories().counts();
  for (std::size_t id = 0; id < id_counts.size(); ++id) counts[bin_of_id[id]] += id_counts[id];
  if (!with_rows) return;
  rows.reserve(scan.row_ids().size());
  for (const uint32_t id : scan.row_ids()) {
    rows.push_back(id == ColumnScan::kMissingRow ? missing_bin : bin_of_id[id]);
  }
}

std::vector<uint32_t> bins_of_ids(const CategoryCounts& categories,
                                  const CategoryDictionary& dictionary) {
  std::vector<uint32_t> bins;
  bins.reserve(categories.size());
  for (const std::string& text : categories.texts()) {
    bins.push_back(static_cast<uint32_t>(dictionary.bin_of(text)));
  }
  return bins;
}

}  // namespace

NumericBinning numeric_binning(const std::string& column, const std::vector<double>& reference,
                               const ColumnBinningOptions& options) {
  try {
    return options.method == NumericBinningMethod::kQuantile
               ? NumericBinning::quantile(reference, options.bins)
               : NumericBinning::uniform(reference, options.bins);
  } catch (const InputError& error) {
    throw InputError("column '" + column + "': " + error.what());
  }
}

NumericCounts count_values(const BatchBinner& binner, const std::vector<double>& values,
                           bool with_rows) {
  NumericCounts out;
  out.counts.assign(binner.bin_count() + 1, 0);
  if (with_rows) {
    out.rows.resize(values.size());
    binner.assign(values, out.rows);
    for (const uint32_t bin : out.rows) ++out.counts[bin];
  } else {
    binner.count(values, out.counts);
  }
  return out;
}

NumericCounts counts_of_scan(const ColumnScan& scan) { return {scan.bin_counts(), scan.row_ids()}; }

BinnedColumn bin_numeric(const std::string& name, const NumericBinning& binning,
                         NumericCounts reference, NumericCounts current) {
  BinnedColumn out;
  out.name = name;
  out.numeric = true;
  out.edges.assign(binning.edges().begin(), binning.edges().end());
  for (std::size_t bin = 0; bin < binning.bin_count(); ++bin) out.labels.push_back(binning.label(bin));
  split_missing(std::move(reference.counts), out.reference_counts, out.reference_missing);
  split_missing(std::move(current.counts), out.current_counts, out.current_missing);
  out.reference_rows = std::move(reference.rows);
  out.current_rows = std::move(current.rows);
  return out;
}

BinnedColumn bin_categorical(const std::string& name, const ColumnScan& reference,
                             const ColumnScan& current, const ColumnBinningOptions& options,
                             bool with_rows) {
  BinnedColumn out;
  out.name = name;
  CategoryCounts both;
  both.merge(reference.categories());
  both.merge(current.categories());
  try {
    const CategoryDictionary dictionary =
        CategoryDictionary::from_counts(both.texts(), both.counts(), options.max_categories);
    for (std::size_t bin = 0; bin < dictionary.bin_count(); ++bin) {
      out.labels.emplace_back(dictionary.label(bin));
    }
    count_categories(reference, bins_of_ids(reference.categories(), dictionary),
                     out.missing_bin(), with_rows, out.reference_counts, out.reference_rows);
    count_categories(current, bins_of_ids(current.categories(), dictionary), out.missing_bin(),
                     with_rows, out.current_counts, out.current_rows);
  } catch (const InputError& error) {
    throw InputError("column '" + name + "': " + error.what());
  }
  out.reference_missing = reference.missing();
  out.current_missing = current.missing();
  return out;
}

}  // namespace driftd::cli
