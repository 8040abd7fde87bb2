#include "kafka/partition_times.h"

namespace driftd::kafka {

PartitionTimes::Partition& PartitionTimes::at(int32_t partition) {
  const auto index = static_cast<std::size_t>(partition);
  if (index >= partitions_.size()) partitions_.resize(index + 1);
  return partitions_[index];
}

void PartitionTimes::assigned(int32_t partition, int64_t now) {
  Partition& state = at(partition);
  state.last_active = std::max(state.last_active, now);
}

void PartitionTimes::advance(int32_t partition, int64_t latest, int64_t now) {
  Partition& state = at(partition);
  state.latest = std::max(state.latest, latest);
  state.last_active = std::max(state.last_active, now);
}

bool PartitionTimes::holds(int32_t partition, int64_t now, bool is_behind) {
  Partition& state = at(partition);
  if (is_behind) {
    state.last_active = std::max(state.last_active, now);
    return true;
  }
  // Never active (not assigned through assigned()): it cannot hold.
  return state.last_active != kNone && now - state.last_active < idle_timeout_ms_;
}

int64_t PartitionTimes::latest_of(int32_t partition) const {
  const auto index = static_cast<std::size_t>(partition);
  return partition >= 0 && index < partitions_.size() ? partitions_[index].latest : kNone;
}

}  // namespace driftd::kafka
