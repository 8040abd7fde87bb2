#include "pipeline/file_reference.h"

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "dataset/table.h"

namespace driftd {

StreamReferences references_from_file(const config::StreamConfig& stream,
                                      const std::filesystem::path& path) {
  const Table table = read_table(path, kMaxReferenceFileBytes);
  StreamReferences references;
  // Each feature's column: numbers (NaN = missing or unparsable) or text.
  std::vector<std::vector<double>> numbers(stream.features.size());
  std::vector<const Column*> columns;
  for (std::size_t f = 0; f < stream.features.size(); ++f) {
    const config::FeatureConfig& feature = stream.features[f];
    const Column* column = table.find(feature.name);
    if (column == nullptr) {
      throw InputError(path.string() + ": no column '" + feature.name + "'");
    }
    columns.push_back(column);
    if (feature.type == config::FeatureType::numeric) {
      for (const auto& value : column->values) {
        const auto number = value ? parse_number(*value) : std::nullopt;
        numbers[f].push_back(number ? *number : std::nan(""));
      }
      references.features.push_back(numeric_reference(feature, numbers[f]));
    } else {
      std::vector<std::string_view> values;
      uint64_t missing = 0;
      for (const auto& value : column->values) {
        if (value) {
          values.push_back(*value);
        } else {
          ++missing;
        }
      }
      references.features.push_back(categorical_reference(feature, values, missing));
    }
  }
  // Each row's bin of feature f (at least its bin count when missing).
  const auto row_bins = [&](std::size_t f) {
    const FeatureBins& bins = references.features[f].bins;
    std::vector<uint32_t> out;
    if (bins.is_numeric()) {
      out.resize(numbers[f].size());
      bins.binner().assign(numbers[f], out);
      return out;
    }
    for (const auto& value : columns[f]->values) {
      out.push_back(value ? static_cast<uint32_t>(bins.dictionary().bin_of(*value))
                          : static_cast<uint32_t>(bins.bin_count()));
    }
    return out;
  };
  for (const config::PairConfig& pair : stream.pairs) {
    const FeatureBins& x = references.features[pair.x_index].bins;
    const FeatureBins& y = references.features[pair.y_index].bins;
    references.pairs.push_back(pair_reference(row_bins(pair.x_index), row_bins(pair.y_index),
                                              x.bin_count(), y.bin_count()));
  }
  for (const config::GroupConfig& group : stream.groups) {
    std::vector<std::span<const double>> group_columns;
    for (const std::size_t f : group.feature_indices) group_columns.emplace_back(numbers[f]);
    references.groups.push_back(group_reference(group_columns));
  }
  return references;
}

}  // namespace driftd
