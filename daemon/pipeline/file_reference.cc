#include "pipeline/file_reference.h"

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "dataset/table.h"

namespace driftd {

std::vector<FeatureReference> references_from_file(std::span<const config::FeatureConfig> features,
                                                   const std::filesystem::path& path) {
  const Table table = read_table(path, kMaxReferenceFileBytes);
  std::vector<FeatureReference> references;
  for (const config::FeatureConfig& feature : features) {
    const Column* column = table.find(feature.name);
    if (column == nullptr) {
      throw InputError(path.string() + ": no column '" + feature.name + "'");
    }
    if (feature.type == config::FeatureType::numeric) {
      std::vector<double> values;
      for (const auto& value : column->values) {
        const auto number = value ? parse_number(*value) : std::nullopt;
        values.push_back(number ? *number : std::nan(""));
      }
      references.push_back(numeric_reference(feature, values));
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
      references.push_back(categorical_reference(feature, values, missing));
    }
  }
  return references;
}

}  // namespace driftd
