#include "kafka/partition_times.h"

#include <algorithm>
#include <limits>

namespace driftd::kafka {

namespace {
constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
}  // namespace

void PartitionTimes::advance(int32_t partition, int64_t latest) {
  const auto index = static_cast<std::size_t>(partition);
  if (index >= latest_.size()) latest_.resize(index + 1, kNone);
  latest_[index] = std::max(latest_[index], latest);
}

int64_t PartitionTimes::latest_of(int32_t partition) const {
  const auto index = static_cast<std::size_t>(partition);
  return partition >= 0 && index < latest_.size() ? latest_[index] : kNone;
}

}  // namespace driftd::kafka
