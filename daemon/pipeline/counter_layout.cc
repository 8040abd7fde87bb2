#include "pipeline/counter_layout.h"

#include "pipeline/group_moments.h"

namespace driftd {

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

}  // namespace driftd
