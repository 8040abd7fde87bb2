// The reference distribution of one feature: its bins, its counts, and for
// numeric features the mean and variance the Gaussian KL compares with.
// Built from captured values or a file, or loaded from SQLite.
//
// A feature can be without reference (present() false: no bins, no counts,
// id 0): its capture found fewer than reference.min_values values, or the
// store has none for it. Such a feature is not recorded, evaluated, stored
// or alerted on until a reference is imported and driftd restarted.
//
// Thread safety: immutable once built; shared read-only by the evaluator.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "pipeline/feature_bins.h"
#include "pipeline/fixed_point_moments.h"

namespace driftd {

struct FeatureReference {
  int64_t id = 0;       // reference_distributions.id; 0 until stored
  int64_t version = 0;  // 1, 2, ... per (stream, feature)
  FeatureBins bins;
  std::vector<uint64_t> counts;  // per bin
  uint64_t missing = 0;
  std::optional<MeanVariance> moments;  // numeric with at least 2 finite values

  bool present() const { return !bins.empty(); }
  uint64_t n() const;
  // How window values are standardised for FixedPointMoments.
  Standardisation standardisation() const;
};

// From the values of a numeric feature (NaN = missing). Binning as the
// feature's config says (quantile/uniform from these values, or its edges).
// Throws InputError when there is no finite value.
FeatureReference numeric_reference(const config::FeatureConfig& feature,
                                   std::span<const double> values);

// From the present values of a categorical feature and the missing count.
// Throws InputError when there is no value.
FeatureReference categorical_reference(const config::FeatureConfig& feature,
                                       std::span<const std::string_view> values,
                                       uint64_t missing);

}  // namespace driftd
