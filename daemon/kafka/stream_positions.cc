#include "kafka/stream_positions.h"

#include <utility>

namespace driftd::kafka {

StreamPositions::StreamPositions(std::string topic) : topic_(std::move(topic)) {}

void StreamPositions::restore(std::span<const SourcePosition> stored) {
  for (const SourcePosition& position : stored) {
    if (position.topic != topic_ || position.partition < 0 || position.next_offset < 0) continue;
    const auto index = static_cast<std::size_t>(position.partition);
    if (index >= next_.size()) grow(index);
    next_[index] = position.next_offset;
  }
}

std::optional<int64_t> StreamPositions::next_offset(int32_t partition) const {
  const auto index = static_cast<std::size_t>(partition);
  if (partition < 0 || index >= next_.size() || next_[index] == kUnknown) return std::nullopt;
  return next_[index];
}

std::vector<SourcePosition> StreamPositions::snapshot() const {
  std::vector<SourcePosition> out;
  for (std::size_t p = 0; p < next_.size(); ++p) {
    if (next_[p] != kUnknown) out.push_back({topic_, static_cast<int32_t>(p), next_[p]});
  }
  return out;
}

void StreamPositions::grow(std::size_t index) { next_.resize(index + 1, kUnknown); }

}  // namespace driftd::kafka
