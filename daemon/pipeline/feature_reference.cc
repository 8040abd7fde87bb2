#include "pipeline/feature_reference.h"

#include <cmath>

#include "common/error.h"
#include "gaussian/moments.h"

namespace driftd {

uint64_t FeatureReference::n() const {
  uint64_t total = 0;
  for (uint64_t count : counts) total += count;
  return total;
}

Standardisation FeatureReference::standardisation() const {
  if (!moments || !(moments->variance > 0)) return {moments ? moments->mean : 0.0, 1.0};
  return {moments->mean, std::sqrt(moments->variance)};
}

FeatureReference numeric_reference(const config::FeatureConfig& feature,
                                   std::span<const double> values) {
  NumericBinning binning = [&] {
    switch (feature.binning) {
      case config::Binning::quantile: return NumericBinning::quantile(values, feature.bins);
      case config::Binning::uniform: return NumericBinning::uniform(values, feature.bins);
      case config::Binning::edges: break;
    }
    return NumericBinning::explicit_edges(feature.edges);
  }();
  FeatureReference reference;
  reference.bins = FeatureBins::numeric(std::move(binning));
  std::vector<uint64_t> counts(reference.bins.bin_count() + 1, 0);
  reference.bins.binner().count(values, counts);
  reference.missing = counts.back();
  counts.pop_back();
  reference.counts = std::move(counts);
  if (reference.n() == 0) throw InputError("feature '" + feature.name + "' has no value");

  UnivariateMoments moments;
  for (double value : values) {
    if (std::isfinite(value)) moments.add(value);
  }
  if (moments.count() >= 2) {
    reference.moments = MeanVariance{moments.mean()[0], moments.covariance()[0]};
  }
  return reference;
}

FeatureReference categorical_reference(const config::FeatureConfig& feature,
                                       std::span<const std::string_view> values,
                                       uint64_t missing) {
  if (values.empty()) throw InputError("feature '" + feature.name + "' has no value");
  FeatureReference reference;
  reference.bins = FeatureBins::categorical(
      CategoryDictionary::from_reference(values, feature.max_categories));
  reference.counts.assign(reference.bins.bin_count(), 0);
  for (std::string_view value : values) ++reference.counts[reference.bins.dictionary().bin_of(value)];
  reference.missing = missing;
  return reference;
}

}  // namespace driftd
