#include "cluster/source_progress.h"

#include "window/pane.h"

namespace driftd::cluster {

SourceProgress::SourceProgress(TimeDomain domain, int64_t idle_timeout_ms,
                               int64_t report_timeout_ms)
    : holders_clocks_(domain == TimeDomain::processing_time),
      report_timeout_ms_(report_timeout_ms),
      times_(idle_timeout_ms) {}

void SourceProgress::set_partition_count(int32_t count) {
  for (auto partition = static_cast<int32_t>(owned_.size()); partition < count; ++partition) {
    owned_.push_back(partition);
    partitions_.emplace_back();
  }
}

void SourceProgress::heard_from(int32_t partition, int64_t activity) {
  set_partition_count(partition + 1);
  Partition& state = partitions_[static_cast<std::size_t>(partition)];
  state.named_at = activity;
  if (!state.heard) {
    state.heard = true;
    times_.assigned(partition, activity);
  }
}

std::size_t SourceProgress::apply(std::span<const PartitionProgress> entries, int64_t activity) {
  std::size_t stale = 0;
  for (const PartitionProgress& entry : entries) {
    heard_from(entry.partition, activity);
    Partition& state = partitions_[static_cast<std::size_t>(entry.partition)];
    if (entry.next_offset < state.next_offset) {
      ++stale;
      continue;
    }
    // Events delivered, or (processing time) the holder's clock moved: the
    // partition was active at `activity`.
    if (entry.next_offset > state.next_offset ||
        entry.watermark_ms > times_.latest_of(entry.partition)) {
      times_.advance(entry.partition, entry.watermark_ms, activity);
    }
    state.next_offset = entry.next_offset;
    state.behind = entry.behind;
  }
  return stale;
}

std::optional<int64_t> SourceProgress::frontier(int64_t activity) {
  const std::optional<int64_t> frontier = times_.frontier(owned_, activity, [&](int32_t partition) {
    const Partition& state = partitions_[static_cast<std::size_t>(partition)];
    return holders_clocks_ || !state.heard || state.behind ||
           activity - state.named_at > report_timeout_ms_;
  });
  if (!frontier || *frontier <= kMinTimestampMs) return std::nullopt;
  return frontier;
}

std::vector<SourceProgress::Entry> SourceProgress::entries() const {
  std::vector<Entry> out;
  for (const int32_t partition : owned_) {
    const Partition& state = partitions_[static_cast<std::size_t>(partition)];
    if (!state.heard) continue;
    const int64_t latest = times_.latest_of(partition);
    out.push_back({partition, state.next_offset, latest < kMinTimestampMs ? kMinTimestampMs : latest,
                   state.behind});
  }
  return out;
}

void SourceProgress::restore(std::span<const Entry> entries, int64_t activity) {
  for (const Entry& entry : entries) {
    heard_from(entry.partition, activity);
    Partition& state = partitions_[static_cast<std::size_t>(entry.partition)];
    state.next_offset = entry.next_offset;
    state.behind = entry.behind;
    if (entry.latest_ms > kMinTimestampMs) times_.advance(entry.partition, entry.latest_ms, activity);
  }
}

}  // namespace driftd::cluster
