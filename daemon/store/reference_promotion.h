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
//     inactive;
//   - a feature pair's or group's reference (joint_reference_store.h) is,
//     likewise, the window's: a pair's cells over its features' bins, a
//     group's complete rows' mean and covariance (its joint_window_metrics
//     row's detail); a pair not promoted keeps its reference, now over the
//     promoted versions of its features (same bins).
// Refused with InputError, writing nothing, when the database is a cluster
// mode instance's (promote_window only: it has a results topic position, and
// the other instances would never see the promotion), has no such stream, a name is none of the stream's features (streams.config_json),
// pairs or groups (those with an active reference), one has no window row
// starting at `window_start`, the window was compared with a reference
// version that is no longer active, or the window holds no value of a
// feature (no complete event of a pair, fewer complete rows than features
// + 1 of a group).
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
#include "pipeline/joint_reference.h"
#include "store/drift_store.h"

namespace driftd::store {

struct PromotedReference {
  std::string feature;
  int64_t previous_id = 0;       // the active reference the window was compared with
  int64_t previous_version = 0;
  bool previous_had_moments = false;
  FeatureReference reference;  // as stored: id and version set, no moments
};

struct PromotedJoint {
  std::string name;
  std::string kind;                   // "pair" or "group"
  std::vector<std::string> features;  // [x, y], or the group's
  int64_t previous_version = 0;       // the active version the window was compared with
  int64_t version = 0;                // as stored (0: not stored)
  uint64_t n = 0;                     // events with both values, or complete rows
  PairReference pair;                 // the pair's new reference, when kind is "pair"
  GroupReference group;               // the group's, when kind is "group"
};

struct Promotion {
  std::string origin;  // as stored in reference_distributions.origin
  std::vector<PromotedReference> features;
  std::vector<PromotedJoint> joint;  // pairs and groups
};

// `features`: names of the stream's features, pairs and groups to promote;
// empty for all of them (features in the stream's order, then pairs and
// groups by name).
Promotion promote_window(DriftStore& store, const std::string& stream, int64_t window_start,
                         std::span<const std::string> features);

// The same references, checked the same way, stored nowhere (ids and
// versions 0), in a cluster instance's database too: what `driftctl
// reference promote` publishes as a reference switch in cluster mode.
Promotion window_promotion(DriftStore& store, const std::string& stream, int64_t window_start,
                           std::span<const std::string> features);

}  // namespace driftd::store
