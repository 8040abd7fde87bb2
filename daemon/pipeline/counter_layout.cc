#include "pipeline/counter_layout.h"

namespace driftd {

CounterLayout::CounterLayout(std::span<const FeatureShape> features) {
  for (const FeatureShape& shape : features) {
    FeatureSlots slots;
    slots.first = size_;
    slots.bins = shape.bins;
    slots.has_moments = shape.has_moments;
    features_.push_back(slots);
    size_ += shape.bins + 2 + (shape.has_moments ? 2 : 0);
  }
}

}  // namespace driftd
