// Promoting a stored closed window to reference (`driftctl reference
// promote`): the window's counts become the new active reference of the
// stream's features, over the bins of the reference the window was compared
// with.
//
// Promised, for every feature promoted:
//   - the new version's bins are the active reference's bins, and its counts
//     and missing count are exactly those of the window's histogram
//     (window_metrics.histogram); values the window counted as invalid are
//     not part of a reference;
//   - the new version carries no Gaussian moments: a window row stores no mean
//     or variance, so the feature's Gaussian KL stays empty until a reference
//     with moments (a capture or a file) is stored again;
//   - all features are stored in one transaction (DriftStore::save_references)
//     with origin "window:<window start>", and the versions before become
//     inactive.
// Refused with InputError, writing nothing, when the database has no such
// stream, a feature is not one of the stream's (streams.config_json), a
// feature has no window row starting at `window_start`, the window was
// compared with a reference version that is no longer active, or the window
// holds no value of a feature.
//
// The checks and the write are one (IMMEDIATE) transaction, so no reference
// stored by another writer can slip in between them. A running driftd keeps its references in memory and installs the new ones
// at its next start.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "pipeline/feature_reference.h"
#include "store/drift_store.h"

namespace driftd::store {

struct PromotedReference {
  std::string feature;
  int64_t previous_version = 0;  // the active version the window was compared with
  bool previous_had_moments = false;
  FeatureReference reference;  // as stored: id and version set, no moments
};

struct Promotion {
  std::string origin;  // as stored in reference_distributions.origin
  std::vector<PromotedReference> features;
};

// `features`: names of the stream's features to promote; empty for all of
// them, in the stream's order.
Promotion promote_window(DriftStore& store, const std::string& stream, int64_t window_start,
                         std::span<const std::string> features);

}  // namespace driftd::store
