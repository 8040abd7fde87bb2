#include "pipeline/counter_layout.h"

#include "pipeline/group_moments.h"

namespace driftd {
namespace {

// 64-bit FNV-1a over little-endian 64-bit words.
class WordHash {
 public:
  void add(uint64_t word) {
    for (int shift = 0; shift < 64; shift += 8) {
      hash_ = (hash_ ^ ((word >> shift) & 0xFF)) * 0x100000001b3ULL;
    }
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

constexpr uint64_t kFingerprintScheme = 1;

}  // namespace

CounterLayout::CounterLayout(std::span<const FeatureShape> features,
                             std::span<const PairShape> pairs,
                             std::span<const GroupShape> groups) {
  for (const FeatureShape& shape : features) {
    FeatureSlots slots;
    slots.first = size_;
    slots.bins = shape.bins;
    slots.has_moments = shape.has_moments;
    features_.push_back(slots);
    size_ += shape.bins + 2 + (shape.has_moments ? 2 : 0);
  }
  for (const PairShape& shape : pairs) {
    PairSlots slots;
    slots.x = shape.x;
    slots.y = shape.y;
    slots.first = size_;
    slots.x_bins = shape.recorded ? features_[shape.x].bins : 0;
    slots.y_bins = shape.recorded ? features_[shape.y].bins : 0;
    pairs_.push_back(slots);
    size_ += slots.cells() + 1;
  }
  for (const GroupShape& shape : groups) {
    const std::vector<std::size_t> recorded =
        shape.recorded ? shape.features : std::vector<std::size_t>{};
    groups_.push_back({recorded, size_});
    size_ += group_sum_words(recorded.size());
  }
}

uint64_t CounterLayout::fingerprint() const {
  WordHash hash;
  hash.add(kFingerprintScheme);
  hash.add(size_);
  hash.add(features_.size());
  for (const FeatureSlots& feature : features_) {
    hash.add(feature.bins);
    hash.add(feature.has_moments ? 1 : 0);
  }
  hash.add(pairs_.size());
  for (const PairSlots& pair : pairs_) {
    hash.add(pair.x);
    hash.add(pair.y);
    hash.add(pair.x_bins);
    hash.add(pair.y_bins);
  }
  hash.add(groups_.size());
  for (const GroupSlots& group : groups_) {
    hash.add(group.features.size());
    for (std::size_t feature : group.features) hash.add(feature);
    hash.add(group.first);
  }
  return hash.value();
}

}  // namespace driftd
