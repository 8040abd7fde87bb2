#include "cluster/stream_merge.h"

namespace driftd::cluster {
namespace {

constexpr std::size_t kOwnerWriter = 0;  // the assembler's one writer: the owner

}  // namespace

StreamMerge::StreamMerge(const WindowSpec& spec, std::size_t counters, int64_t reference_version,
                         uint64_t layout_fingerprint, int64_t idle_timeout_ms)
    : reference_version_(reference_version),
      layout_fingerprint_(layout_fingerprint),
      assembler_(spec, counters, 1),
      source_(idle_timeout_ms) {}

StreamMerge::Outcome StreamMerge::add(const PanePartial& partial, int64_t activity) {
  if (partial.layout_fingerprint != layout_fingerprint_ ||
      partial.counters != assembler_.counters()) {
    ++totals_.rejected_layout;
    return Outcome::rejected_layout;
  }
  if (partial.reference_version != reference_version_) {
    ++totals_.rejected_reference;
    return Outcome::rejected_reference;
  }
  // A delta whose pane is open is added at once; one beyond the open range
  // waits until the watermark admits it.
  for (const PaneDelta& delta : partial.panes) {
    switch (assembler_.recorder().record(kOwnerWriter, delta.pane, delta.counts)) {
      case RecordOutcome::recorded: break;
      case RecordOutcome::late: totals_.late_events += delta.counts[WindowAssembler::kEventCounter]; break;
      case RecordOutcome::beyond_horizon: waiting_.add(PanePiece{delta.pane, delta.counts}); break;
    }
  }
  totals_.stale_progress += source_.apply(partial.partitions, activity);
  ++totals_.partials;
  totals_.events_seen += partial.events_seen;
  totals_.malformed += partial.malformed;
  totals_.invalid_event_time += partial.invalid_event_time;
  return Outcome::added;
}

}  // namespace driftd::cluster
