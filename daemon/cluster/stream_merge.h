// StreamMerge: a stream's owner in cluster mode adds the instances' pane
// partials up into the stream's windows.
//
// Each partial (pane_partial.h), in the partials topic's order, brings the
// counts its instance recorded since its previous cut, pane by pane, and the
// progress of the source partitions it holds. The deltas wait
// (waiting_pieces.h) until the stream's WindowAssembler admits their pane;
// the progress moves the owner's SourceProgress (in the spec's time
// domain: event times, or in processing time the holders' clocks), whose
// frontier is the assembler's watermark (allowed lateness subtracted as in
// one instance). So a window closes once every partition of the source topic has passed
// it, and holds exactly the counts of the events the instances recorded
// for its panes; a delta for a pane already closed is late, counted here
// once.
//
// A partial binned with another reference version or counter layout (an
// instance with another configuration, or not yet on the stream's current
// reference) is rejected, never added: its counts would be in other bins.
// Its progress is not applied either, so its partitions keep holding time
// until a partial that fits covers them. The exception is the partial of an
// instance still spooling a capture stream's rows (reference version 0, no
// panes): its rows reached the owner on their own (capture_rows.h), so its
// progress and tallies are applied whatever the merge's reference.
//
// A stream whose owner captures its reference starts without one
// (reference version 0, layout fingerprint 0, one counter): it follows the
// partitions' progress, which the capture's end depends on, and holds no
// window until set_reference() gives it the captured reference's layout.
//
// Reference switches (the references topic's timeline): the owner runs two
// merges across one, each fed the partials of its reference version and the
// progress of every partial of the stream (follow()). The one switched from
// ends its windows at the switch (end_windows_at(): windows ending after it
// are not emitted), the one switched to starts its windows there
// (start_windows_at(); sliding windows spanning the switch hold the events
// from the switch on, as windows after a capture's cut: their earlier
// counts are in the other reference's bins); the first has ended() once the
// watermark has passed the switch, every window before it emitted.
//
// Checkpoints (failover)
//   checkpoint() takes everything the windows to come depend on: the
//   assembler's panes (WindowAssembler::checkpoint()), the waiting deltas,
//   the partitions' progress and the totals. Its binary form, which the
//   owner produces to the state topic with its results, is
//   merge_checkpoint.h. A new owner restore()s a fresh StreamMerge from it
//   and adds the partials after the checkpoint's next_partials_offset: the
//   windows it emits then continue exactly after the last one the old owner
//   emitted before its checkpoint, and those the old owner emitted after it
//   come again with the same counts, unless a delta late for one owner was
//   on time for the other (the re-derived watermark below may rise later
//   than the old owner's did).
//   The watermark is not in the checkpoint: poll() re-derives it from the
//   restored partitions' progress. It is needed for nothing else: it acts
//   only through its pane (Watermark::first_unclosable_pane), and after a
//   poll() every pane before that one is closed, so the checkpoint's first
//   open pane stands for it; a re-derived watermark below it closes nothing
//   (no window is emitted twice), one above closes what the partitions
//   allow. Restored partitions hold time for a whole idle_timeout again
//   (source_progress.h): windows the old owner would have closed because
//   some partitions were idle close up to idle_timeout later, never
//   earlier.
//
// Thread safety: one thread, the owner's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "cluster/pane_partial.h"
#include "cluster/source_progress.h"
#include "window/waiting_pieces.h"
#include "window/window_assembler.h"

namespace driftd::cluster {

// What the owner has added up, for its metrics and window rows.
struct MergeTotals {
  uint64_t partials = 0;             // added
  uint64_t rejected_reference = 0;   // binned with another reference version
  uint64_t rejected_layout = 0;      // another counter layout
  uint64_t stale_progress = 0;       // progress entries behind what was known
  uint64_t late_events = 0;          // events of deltas whose pane had closed
  uint64_t events_seen = 0;          // the producers' tallies outside panes
  uint64_t malformed = 0;
  uint64_t invalid_event_time = 0;

  friend bool operator==(const MergeTotals&, const MergeTotals&) = default;
};

// A StreamMerge's state at a cut, for another owner to resume from (see
// "Checkpoints" above; merge_checkpoint.h says when it is valid and encodes
// it).
struct MergeCheckpoint {
  // The owner's; restore() refuses a checkpoint with others.
  int64_t reference_version = 0;
  uint64_t layout_fingerprint = 0;
  uint32_t counters = 1;
  // The first offset of the stream's partition of the partials topic not
  // added yet: where the restored owner resumes. The caller's to set
  // (checkpoint() leaves it 0); StreamMerge only carries it.
  int64_t next_partials_offset = 0;
  // The assembler's panes (time windows: next_sequence is 0).
  WindowCheckpoint windows;
  // The deltas waiting beyond the horizon, added up per pane: ascending
  // panes, none all zero.
  std::vector<PanePiece> waiting;
  // The source topic's partition count and the partitions heard from.
  int32_t partition_count = 0;
  std::vector<SourceProgress::Entry> source;
  MergeTotals totals;

  friend bool operator==(const MergeCheckpoint&, const MergeCheckpoint&) = default;
};

class StreamMerge {
 public:
  enum class Outcome { added, rejected_reference, rejected_layout };

  // REQUIRES: a time window spec (count windows have no cluster mode);
  // counters > 0. idle_timeout_ms: the stream's event_time.idle_timeout;
  // report_timeout_ms: how long a partition may go unnamed by partials
  // before it holds time (source_progress.h).
  StreamMerge(const WindowSpec& spec, std::size_t counters, int64_t reference_version,
              uint64_t layout_fingerprint, int64_t idle_timeout_ms, int64_t report_timeout_ms);

  // The source topic's partition count from the owner's metadata.
  void set_partition_count(int32_t count) { source_.set_partition_count(count); }

  // Adds one partial at owner activity time `activity`.
  Outcome add(const PanePartial& partial, int64_t activity);

  // The captured reference: its version (>= 1), layout and counters; the
  // windows start at the pane of `windows_from_ms` (the capture's cut).
  // REQUIRES: reference_version() == 0.
  void set_reference(int64_t reference_version, uint64_t layout_fingerprint,
                     std::size_t counters, int64_t windows_from_ms);
  // The windows start at the pane of `from_ms` (a switch to this merge's
  // reference). REQUIRES: fresh (no partial added, no poll).
  void start_windows_at(int64_t from_ms);
  // No window ending after `until_ms` is emitted (a switch away from this
  // merge's reference); ended() once every window before it has been.
  // Deltas added for panes from until_ms on (binned with this merge's
  // references by an instance that learned of the switch late) count as
  // late: no window holds them.
  void end_windows_at(int64_t until_ms) { windows_until_ms_ = until_ms; }
  // The watermark (kMinTimestampMs before any).
  int64_t watermark_ms() { return assembler_->watermark().current(); }
  bool ended() {
    return windows_until_ms_ && assembler_->watermark().current() >= *windows_until_ms_;
  }
  // Applies the progress of a partial the other merge of a switch added,
  // at owner activity time `activity`: both follow every partition.
  void follow(const PanePartial& partial, int64_t activity);
  // A partial binned with the references this merge's were switched to
  // from, once the merge of those has ended (an instance's stragglers from
  // before the switch): its events are late (their windows were emitted),
  // its progress and tallies count.
  void add_switched_from(const PanePartial& partial, int64_t activity);
  int64_t reference_version() const { return reference_version_; }
  uint64_t layout_fingerprint() const { return layout_fingerprint_; }

  // How far the partitions' progress lets the stream's time rise at
  // `activity` (before allowed lateness), if anywhere yet.
  std::optional<int64_t> frontier(int64_t activity) { return source_.frontier(activity); }

  // Raises the watermark to the partitions' frontier at `activity`, records
  // the deltas it admits and calls emit(const ClosedWindow&) for every
  // window due, in order (each valid during the call).
  template <class Emit>
  void poll(int64_t activity, Emit&& emit) {
    if (const std::optional<int64_t> frontier = source_.frontier(activity)) {
      assembler_->watermark().observe(*frontier);
    }
    const auto emit_before_end = [&](const ClosedWindow& window) {
      if (!windows_until_ms_ || window.bounds.end <= *windows_until_ms_) emit(window);
    };
    waiting_.record_into(*assembler_, emit_before_end, [&](const PanePiece& piece) {
      totals_.late_events += piece.deltas[WindowAssembler::kEventCounter];
    });
    while (const std::optional<ClosedWindow> window = assembler_->next_window()) {
      emit_before_end(*window);
    }
  }

  // The state to resume from (next_partials_offset left 0 for the caller).
  // Call it between poll()s, never from poll()'s emit.
  MergeCheckpoint checkpoint();

  // Loads `checkpoint` at owner activity time `activity` (every partition
  // it names holds time for a whole idle_timeout from then on); the
  // partition count grows to the checkpoint's. REQUIRES: a fresh StreamMerge
  // (no partial added, no poll; set_partition_count() allowed) with the
  // spec, counters, reference version and layout fingerprint the
  // checkpoint was taken with. Throws InputError, changing nothing, when
  // the checkpoint does not fit: another reference version, layout
  // fingerprint or counters, not valid (merge_checkpoint.h), or panes the
  // assembler refuses (another window spec).
  void restore(const MergeCheckpoint& checkpoint, int64_t activity);

  const MergeTotals& totals() const { return totals_; }
  const SourceProgress& source() const { return source_; }

 private:
  const WindowSpec spec_;
  int64_t reference_version_;
  uint64_t layout_fingerprint_;
  std::optional<WindowAssembler> assembler_;  // always engaged
  WaitingPieces waiting_;
  SourceProgress source_;
  MergeTotals totals_;
  std::optional<int64_t> windows_until_ms_;  // end_windows_at()

  // The partial's progress and tallies, once its deltas are placed.
  void count_in(const PanePartial& partial, int64_t activity);
};

}  // namespace driftd::cluster
