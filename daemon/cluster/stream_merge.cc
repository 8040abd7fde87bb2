#include "cluster/stream_merge.h"

#include <algorithm>
#include <cassert>
#include <string>

#include "cluster/merge_checkpoint.h"
#include "common/error.h"

namespace driftd::cluster {
namespace {

constexpr std::size_t kOwnerWriter = 0;  // the assembler's one writer: the owner

// The pieces added up per pane, ascending, those summing to zero left out:
// what record_into() would record (it sorts by pane, and pieces of one pane
// are admitted or not together).
std::vector<PanePiece> added_up(std::vector<PanePiece> pieces) {
  std::stable_sort(pieces.begin(), pieces.end(),
                   [](const PanePiece& a, const PanePiece& b) { return a.pane < b.pane; });
  std::vector<PanePiece> out;
  for (PanePiece& piece : pieces) {
    if (!out.empty() && out.back().pane == piece.pane) {
      add_counts(out.back().deltas, piece.deltas);
    } else {
      out.push_back(std::move(piece));
    }
  }
  std::erase_if(out, [](const PanePiece& piece) {
    return std::all_of(piece.deltas.begin(), piece.deltas.end(),
                       [](uint64_t delta) { return delta == 0; });
  });
  return out;
}

}  // namespace

StreamMerge::StreamMerge(const WindowSpec& spec, std::size_t counters, int64_t reference_version,
                         uint64_t layout_fingerprint, int64_t idle_timeout_ms,
                         int64_t report_timeout_ms)
    : spec_(spec),
      reference_version_(reference_version),
      layout_fingerprint_(layout_fingerprint),
      assembler_(std::in_place, spec, counters, 1),
      source_(spec.domain(), idle_timeout_ms, report_timeout_ms) {}

void StreamMerge::set_reference(int64_t reference_version, uint64_t layout_fingerprint,
                                std::size_t counters, int64_t windows_from_ms) {
  assert(reference_version_ == 0);
  reference_version_ = reference_version;
  layout_fingerprint_ = layout_fingerprint;
  assembler_.emplace(spec_, counters, 1);
  start_windows_at(windows_from_ms);
}

void StreamMerge::start_windows_at(int64_t from_ms) {
  WindowCheckpoint start;
  start.first_pane = start.first_open_pane = assembler_->clock().pane_of(from_ms);
  assembler_->restore(start);
}

void StreamMerge::follow(const PanePartial& partial, int64_t activity) {
  totals_.stale_progress += source_.apply(partial.partitions, activity);
}

StreamMerge::Outcome StreamMerge::add(const PanePartial& partial, int64_t activity) {
  const bool spooling = partial.reference_version == 0 && partial.panes.empty();
  if (!spooling && (partial.layout_fingerprint != layout_fingerprint_ ||
                    partial.counters != assembler_->counters())) {
    ++totals_.rejected_layout;
    return Outcome::rejected_layout;
  }
  if (!spooling && partial.reference_version != reference_version_) {
    ++totals_.rejected_reference;
    return Outcome::rejected_reference;
  }
  // A delta whose pane is open is added at once; one beyond the open range
  // waits until the watermark admits it.
  for (const PaneDelta& delta : partial.panes) {
    // Binned with these references after the switch away from them (an
    // instance that learned of it late): no window of this merge holds it.
    if (windows_until_ms_ && assembler_->clock().pane_bounds(delta.pane).start >= *windows_until_ms_) {
      totals_.late_events += delta.counts[WindowAssembler::kEventCounter];
      continue;
    }
    switch (assembler_->recorder().record(kOwnerWriter, delta.pane, delta.counts)) {
      case RecordOutcome::recorded: break;
      case RecordOutcome::late: totals_.late_events += delta.counts[WindowAssembler::kEventCounter]; break;
      case RecordOutcome::beyond_horizon: waiting_.add(PanePiece{delta.pane, delta.counts}); break;
    }
  }
  count_in(partial, activity);
  return Outcome::added;
}

void StreamMerge::add_switched_from(const PanePartial& partial, int64_t activity) {
  for (const PaneDelta& delta : partial.panes) {
    totals_.late_events += delta.counts[WindowAssembler::kEventCounter];
  }
  count_in(partial, activity);
}

void StreamMerge::count_in(const PanePartial& partial, int64_t activity) {
  totals_.stale_progress += source_.apply(partial.partitions, activity);
  ++totals_.partials;
  totals_.events_seen += partial.events_seen;
  totals_.malformed += partial.malformed;
  totals_.invalid_event_time += partial.invalid_event_time;
}

MergeCheckpoint StreamMerge::checkpoint() {
  MergeCheckpoint out;
  out.reference_version = reference_version_;
  out.layout_fingerprint = layout_fingerprint_;
  out.counters = static_cast<uint32_t>(assembler_->counters());
  [[maybe_unused]] const bool complete = assembler_->checkpoint(out.windows);
  assert(complete);  // only count windows have holes
  out.waiting = added_up(waiting_.pieces());
  out.partition_count = source_.partition_count();
  out.source = source_.entries();
  out.totals = totals_;
  return out;
}

void StreamMerge::restore(const MergeCheckpoint& checkpoint, int64_t activity) {
  if (checkpoint.reference_version != reference_version_) {
    throw InputError("merge checkpoint of reference version " +
                     std::to_string(checkpoint.reference_version) + ", the owner's is " +
                     std::to_string(reference_version_));
  }
  if (checkpoint.layout_fingerprint != layout_fingerprint_) {
    throw InputError("merge checkpoint of another counter layout (fingerprint " +
                     std::to_string(checkpoint.layout_fingerprint) + ", the owner's is " +
                     std::to_string(layout_fingerprint_) + ")");
  }
  if (checkpoint.counters != assembler_->counters()) {
    throw InputError("merge checkpoint of " + std::to_string(checkpoint.counters) +
                     " counters, the owner has " + std::to_string(assembler_->counters()));
  }
  if (const std::string problem = merge_checkpoint_problem(checkpoint); !problem.empty()) {
    throw InputError("invalid merge checkpoint: " + problem);
  }
  assembler_->restore(checkpoint.windows);  // checks everything before it changes anything
  waiting_.assign(checkpoint.waiting);
  source_.set_partition_count(checkpoint.partition_count);
  source_.restore(checkpoint.source, activity);
  totals_ = checkpoint.totals;
}

}  // namespace driftd::cluster
