#include "pipeline/feature_bins.h"

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace driftd {

FeatureBins FeatureBins::numeric(NumericBinning binning) {
  FeatureBins bins;
  BatchBinner binner(binning);
  bins.numeric_ = std::make_shared<const Numeric>(Numeric{std::move(binning), std::move(binner)});
  return bins;
}

FeatureBins FeatureBins::categorical(CategoryDictionary dictionary) {
  FeatureBins bins;
  bins.categorical_ = std::make_shared<const CategoryDictionary>(std::move(dictionary));
  return bins;
}

FeatureBins FeatureBins::from_json(std::string_view json) {
  nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && parsed.contains("edges") && parsed["edges"].is_array()) {
    std::vector<double> edges;
    for (const auto& edge : parsed["edges"]) {
      if (!edge.is_number()) throw InputError("bins JSON: an edge is not a number");
      edges.push_back(edge.get<double>());
    }
    return numeric(NumericBinning::explicit_edges(edges));
  }
  if (parsed.is_object() && parsed.contains("categories") && parsed["categories"].is_array()) {
    std::vector<std::string> categories;
    for (const auto& category : parsed["categories"]) {
      if (!category.is_string()) throw InputError("bins JSON: a category is not a string");
      categories.push_back(category.get<std::string>());
    }
    return categorical(CategoryDictionary::from_categories(std::move(categories)));
  }
  throw InputError("bins JSON is neither {\"edges\": [...]} nor {\"categories\": [...]}");
}

std::size_t FeatureBins::bin_count() const {
  return is_numeric() ? numeric_->binning.bin_count() : categorical_->bin_count();
}

std::vector<std::string> FeatureBins::labels() const {
  std::vector<std::string> out;
  for (std::size_t bin = 0; bin < bin_count(); ++bin) out.push_back(label(bin));
  return out;
}

std::string FeatureBins::label(std::size_t bin) const {
  return is_numeric() ? numeric_->binning.label(bin) : std::string(categorical_->label(bin));
}

BinLayout FeatureBins::layout() const {
  return is_numeric() ? numeric_->binning.layout() : categorical_->layout();
}

std::string FeatureBins::to_json() const {
  nlohmann::json json;
  if (is_numeric()) {
    const auto edges = numeric_->binning.edges();
    json["edges"] = std::vector<double>(edges.begin(), edges.end());
  } else {
    const auto categories = categorical_->categories();
    json["categories"] = std::vector<std::string>(categories.begin(), categories.end());
  }
  return json.dump();
}

}  // namespace driftd
