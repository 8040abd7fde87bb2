// Where each number of one stream's window lives in the block of uint64
// counters that the window recorder adds up (lib/window/window_recorder.h).
//
//   [0] events            accepted events counted in the window (the
//                         recorder's kEventCounter: count windows close on it)
//   then per feature f, at feature(f).first:
//       bins...           one counter per bin
//       missing, invalid
//       moments (numeric features with gaussian on): the two sums of
//       FixedPointMoments, as two's-complement int64 in uint64 words
//   then per feature pair p (X, Y), at pair(p).first:
//       cells...          the joint histogram, x_bins x y_bins row-major:
//                         cell (x, y) at first + x * y_bins + y
//       incomplete        events where X or Y was missing or invalid
//   then per feature group g, at group(g).first:
//       the group_sum_words(d) sums of group_moments.h
//
// fingerprint() names a layout in 64 bits: counts binned with one layout
// may be added to counts of another only when their fingerprints are equal
// (cluster mode's pane partials carry it, daemon/cluster/pane_partial.h).
//
// Thread safety: immutable after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace driftd {

struct FeatureSlots {
  std::size_t first = 0;  // first bin
  std::size_t bins = 0;
  std::size_t missing() const { return first + bins; }
  std::size_t invalid() const { return first + bins + 1; }
  bool has_moments = false;
  std::size_t moments() const { return first + bins + 2; }  // REQUIRES: has_moments
};

struct PairSlots {
  std::size_t x = 0;  // feature indices
  std::size_t y = 0;
  std::size_t first = 0;  // cell (0, 0)
  std::size_t x_bins = 0;  // 0 (and y_bins 0): not recorded
  std::size_t y_bins = 0;
  std::size_t cells() const { return x_bins * y_bins; }
  std::size_t incomplete() const { return first + cells(); }
};

struct GroupSlots {
  std::vector<std::size_t> features;  // feature indices, the group's order; empty: not recorded
  std::size_t first = 0;              // the group_moments.h sums
};

class CounterLayout {
 public:
  static constexpr std::size_t kEvents = 0;

  struct FeatureShape {
    std::size_t bins;
    bool has_moments;
  };
  // A pair or group without reference is not recorded: a pair gets no
  // cells (x_bins = y_bins = 0), a group no features (one unused count).
  struct PairShape {
    std::size_t x;  // indices into the features
    std::size_t y;
    bool recorded = true;
  };
  struct GroupShape {
    std::vector<std::size_t> features;  // indices into the features, 1..kMaxGroupFeatures
    bool recorded = true;
  };
  // REQUIRES: pairs and groups refer to features by valid indices.
  explicit CounterLayout(std::span<const FeatureShape> features,
                         std::span<const PairShape> pairs = {},
                         std::span<const GroupShape> groups = {});

  std::size_t size() const { return size_; }
  std::size_t feature_count() const { return features_.size(); }
  const FeatureSlots& feature(std::size_t index) const { return features_[index]; }
  std::span<const PairSlots> pairs() const { return pairs_; }
  std::span<const GroupSlots> groups() const { return groups_; }

  // FNV-1a, 64 bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3),
  // over these values, each as 8 little-endian bytes: the scheme version 1,
  // size(); the feature count, then per feature its bins and has_moments
  // (0 or 1); the pair count, then per pair x, y, x_bins, y_bins; the group
  // count, then per group its feature count, its features and first. The
  // same on every platform, build and run, so it may travel between
  // instances; two layouts that differ in any of these differ in it but
  // for a chance of about 2^-64 (it is not a defence against crafted
  // collisions). A change to what it hashes is a new scheme version.
  uint64_t fingerprint() const;

 private:
  std::vector<FeatureSlots> features_;
  std::vector<PairSlots> pairs_;
  std::vector<GroupSlots> groups_;
  std::size_t size_ = 1;
};

}  // namespace driftd
