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
//
// Thread safety: immutable after construction.
#pragma once

#include <cstddef>
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

class CounterLayout {
 public:
  static constexpr std::size_t kEvents = 0;

  struct FeatureShape {
    std::size_t bins;
    bool has_moments;
  };
  explicit CounterLayout(std::span<const FeatureShape> features);

  std::size_t size() const { return size_; }
  std::size_t feature_count() const { return features_.size(); }
  const FeatureSlots& feature(std::size_t index) const { return features_[index]; }

 private:
  std::vector<FeatureSlots> features_;
  std::size_t size_ = 1;
};

}  // namespace driftd
