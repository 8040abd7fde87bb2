// StreamMerge: a stream's owner in cluster mode adds the instances' pane
// partials up into the stream's windows.
//
// Each partial (pane_partial.h), in the partials topic's order, brings the
// counts its instance recorded since its previous cut, pane by pane, and the
// progress of the source partitions it holds. The deltas wait
// (waiting_pieces.h) until the stream's WindowAssembler admits their pane;
// the progress moves the owner's SourceProgress, whose frontier is the
// assembler's watermark (allowed lateness subtracted as in one instance).
// So a window closes once every partition of the source topic has passed
// it, and holds exactly the counts of the events the instances recorded
// for its panes; a delta for a pane already closed is late, counted here
// once.
//
// A partial binned with another reference version or counter layout (an
// instance with another configuration, or not yet on the stream's current
// reference) is rejected, never added: its counts would be in other bins.
// Its progress is not applied either, so its partitions keep holding time
// until a partial that fits covers them.
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
};

class StreamMerge {
 public:
  enum class Outcome { added, rejected_reference, rejected_layout };

  // REQUIRES: a time window spec (count windows have no cluster mode);
  // counters > 0. idle_timeout_ms: the stream's event_time.idle_timeout.
  StreamMerge(const WindowSpec& spec, std::size_t counters, int64_t reference_version,
              uint64_t layout_fingerprint, int64_t idle_timeout_ms);

  // The source topic's partition count from the owner's metadata.
  void set_partition_count(int32_t count) { source_.set_partition_count(count); }

  // Adds one partial at owner activity time `activity`.
  Outcome add(const PanePartial& partial, int64_t activity);

  // Raises the watermark to the partitions' frontier at `activity`, records
  // the deltas it admits and calls emit(const ClosedWindow&) for every
  // window due, in order (each valid during the call).
  template <class Emit>
  void poll(int64_t activity, Emit&& emit) {
    if (const std::optional<int64_t> frontier = source_.frontier(activity)) {
      assembler_.watermark().observe(*frontier);
    }
    waiting_.record_into(assembler_, emit, [&](const PanePiece& piece) {
      totals_.late_events += piece.deltas[WindowAssembler::kEventCounter];
    });
    while (const std::optional<ClosedWindow> window = assembler_.next_window()) emit(*window);
  }

  const MergeTotals& totals() const { return totals_; }
  const SourceProgress& source() const { return source_; }

 private:
  const int64_t reference_version_;
  const uint64_t layout_fingerprint_;
  WindowAssembler assembler_;
  WaitingPieces waiting_;
  SourceProgress source_;
  MergeTotals totals_;
};

}  // namespace driftd::cluster
