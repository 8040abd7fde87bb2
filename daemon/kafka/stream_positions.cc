#include "kafka/stream_positions.h"

#include <utility>

namespace driftd::kafka {

StreamPositions::StreamPositions(std::string topic) : topic_(std::move(topic)) {}

void StreamPositions::restore(std::span<const SourcePosition> stored) {
  for (const SourcePosition& position : stored) {
    if (position.topic != topic_ || position.partition < 0 || position.next_offset < 0) continue;
    next_.ensure(position.partition);
    next_.store(position.partition, position.next_offset);
  }
}

std::optional<int64_t> StreamPositions::next_offset(int32_t partition) const {
  const int64_t next = next_.load(partition);
  if (next == kUnknown) return std::nullopt;
  return next;
}

std::vector<SourcePosition> StreamPositions::snapshot() const {
  std::vector<SourcePosition> out;
  for (std::size_t p = 0; p < next_.size(); ++p) {
    const auto partition = static_cast<int32_t>(p);
    if (const int64_t next = next_.load(partition); next != kUnknown) {
      out.push_back({topic_, partition, next});
    }
  }
  return out;
}

}  // namespace driftd::kafka
