// The references one stream's windows are compared with: each feature's
// (feature_reference.h), each pair's and each group's (joint_reference.h),
// in the configuration's order. What a capture or a reference file builds,
// the store saves and loads, and a window checkpoint is tied to by id.
//
// Thread safety: a value; immutable once the stream monitors.
#pragma once

#include <cstdint>
#include <vector>

#include "pipeline/feature_reference.h"
#include "pipeline/joint_reference.h"

namespace driftd {

struct StreamReferences {
  std::vector<FeatureReference> features;
  std::vector<PairReference> pairs;
  std::vector<GroupReference> groups;

  // Every reference's id, features then pairs then groups (0: not stored,
  // or none).
  std::vector<int64_t> ids() const {
    std::vector<int64_t> out;
    for (const FeatureReference& reference : features) out.push_back(reference.id);
    for (const PairReference& reference : pairs) out.push_back(reference.id);
    for (const GroupReference& reference : groups) out.push_back(reference.id);
    return out;
  }
};

}  // namespace driftd
