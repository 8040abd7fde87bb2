#include "kafka/partition_times.h"

namespace driftd::kafka {

void PartitionTimes::assigned(int32_t partition, int64_t now) {
  latest_.ensure(partition);
  last_active_.ensure(partition);
  last_active_.raise(partition, now);
}

void PartitionTimes::advance(int32_t partition, int64_t latest, int64_t now) {
  latest_.raise(partition, latest);
  last_active_.raise(partition, now);
}

bool PartitionTimes::holds(int32_t partition, int64_t now, bool is_behind) {
  if (!last_active_.contains(partition)) return is_behind;  // never assigned
  if (is_behind) {
    last_active_.raise(partition, now);
    return true;
  }
  // Never active (not assigned through assigned()): it cannot hold.
  const int64_t last_active = last_active_.load(partition);
  return last_active != kNone && now - last_active < idle_timeout_ms_;
}

int64_t PartitionTimes::latest_of(int32_t partition) const { return latest_.load(partition); }

}  // namespace driftd::kafka
