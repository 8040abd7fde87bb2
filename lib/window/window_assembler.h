// WindowAssembler: the window manager's side of windowing. Combines a
// WindowSpec, a PaneClock or CountSequencer, a Watermark and a WindowRecorder
// into a stream of closed windows with their exact counter totals.
//
// Counter layout: the caller defines the block of `counters` uint64 words,
// except counter kEventCounter (0), which every recorded block must set to the
// number of events it covers. It gives windows their event count, count
// windows their completeness, and late_counts() the number of late events.
//
// How each kind is driven
//   Event time       writers: watermark().observe(max event time of the
//                    batch), then record each piece into clock().pane_of(t).
//   Processing time  writers: record into clock().pane_of(now); the manager
//                    calls watermark().observe(now) before polling.
//   Count            writers: sequencer().reserve(n), then record each
//                    sequencer().piece_at(...) into its pane.
//   All writers record through recorder().begin_batch(worker index).
//   Manager: while (auto window = next_window()) { ... } whenever it ticks.
//
// When windows close
//   Time: pane p closes once the watermark reaches its end; window p (the one
//   pane p completes, see pane_clock.h) is emitted with bounds [start, end)
//   in ms. Count: pane p closes once it holds events_per_window events;
//   window p is emitted with bounds [p*N, (p+1)*N) in sequence numbers
//   (first_seq = start, last_seq = end - 1). Windows are emitted in order;
//   windows without any count are skipped, so a jump of the watermark across a
//   long gap costs O(open panes), not O(gap).
//
// Beyond the horizon
//   open_panes = ceil(allowed_lateness / pane length) + 1 + spare_open_panes
//   (count windows: 1 + spare_open_panes). A piece whose record() returns
//   beyond_horizon goes to the manager's slow path, which, after receiving
//   it, polls next_window() until it returns nothing, then calls
//   record_deferred(). Writers and manager read the same clock
//   (milliseconds since the epoch) for processing time.
//   Guarantee (time windows): if the watermark has observed the piece's time
//   (event time: the writer observed its batch before recording; processing
//   time: the manager observed a clock at or after the writer's), that retry
//   never returns beyond_horizon. Proof: after polling, first_open =
//   pane_of(W) with W >= t - lateness, so pane_of(t) <= pane_of(W) +
//   ceil(lateness / L) < first_open + open_panes.
//   Count windows: a deferred piece becomes recordable once the windows before
//   it are complete; retry the deferred pieces, lowest pane first, after every
//   poll. Batches larger than a window need spare_open_panes >= batch / N to
//   stay on the fast path.
//
// Checkpoints
//   checkpoint() settles the recorder (a consistent cut, see the recorder's
//   Guarantee 3) and copies every pane a future window needs: the last
//   panes_per_window - 1 closed panes (fewer while the first panes are
//   closing: none before initial_first_open_pane()) and all open panes.
//   restore() loads such a checkpoint into a fresh assembler. Not included: late totals (metrics,
//   not window content) and pieces waiting in the caller's slow path.
//
// Guarantees
//   1. Conservation: once every pane is closed, the counts of all emitted
//      windows add up to panes_per_window * (everything recorded -
//      late_counts()), counter by counter.
//   2. The counts of window p are exactly the sum of the counts recorded for
//      its panes.
//   3. Count windows hold exactly events_per_window events, provided writers
//      record each piece into the pane piece_at() gave it.
//   4. No allocation after construction, except checkpoint() growing the
//      caller's buffer the first time.
//
// Thread safety: recorder(), watermark(), clock() and sequencer() are for the
// writers (see their headers); every other member is for one manager thread
// at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "window/count_sequencer.h"
#include "window/pane.h"
#include "window/pane_clock.h"
#include "window/watermark.h"
#include "window/window_limits.h"
#include "window/window_recorder.h"
#include "window/window_spec.h"

namespace driftd {

// The open panes a recorder for `spec` keeps (see "Beyond the horizon"):
// ceil(allowed_lateness / pane length) + 1 + spare for time windows, 1 +
// spare for count windows. Throws InputError beyond kMaxOpenPanes.
std::size_t open_panes_for(const WindowSpec& spec, std::size_t spare_open_panes);

// The first open pane of a fresh recorder: time windows start with the
// earliest panes open, and the first poll of the watermark jumps to the
// present (empty panes cost nothing to close); count windows at pane 0.
PaneId initial_first_open_pane(const WindowSpec& spec);

struct ClosedWindow {
  Interval bounds;  // ms for time windows, sequence numbers for count windows
  // Valid until the next call on the assembler; counts[kEventCounter] = events.
  std::span<const std::uint64_t> counts;
};

// Everything needed to resume the open windows after a restart.
struct WindowCheckpoint {
  PaneId first_pane = 0;            // Pane of the first block in `counts`.
  PaneId first_open_pane = 0;       // Blocks before it are closed panes.
  std::int64_t next_sequence = 0;   // Count windows: next sequence number.
  std::vector<std::uint64_t> counts;  // One block per pane from first_pane on.

  friend bool operator==(const WindowCheckpoint&, const WindowCheckpoint&) = default;
};

class WindowAssembler {
 public:
  static constexpr std::size_t kEventCounter = 0;

  // `writers` is the number of worker indices recorder() accepts; the
  // assembler keeps one more shard for record_deferred().
  // Throws InputError when counters == 0, writers == 0, or the lateness needs
  // more than kMaxOpenPanes open panes (window_limits.h).
  WindowAssembler(const WindowSpec& spec, std::size_t counters, std::size_t writers,
                  std::size_t spare_open_panes = kDefaultSpareOpenPanes);

  WindowAssembler(const WindowAssembler&) = delete;
  WindowAssembler& operator=(const WindowAssembler&) = delete;

  // ---- Writer side -----------------------------------------------------------
  WindowRecorder& recorder() { return recorder_; }
  Watermark& watermark() { return watermark_; }
  // REQUIRES: time windows.
  const PaneClock& clock() const { return *clock_; }
  // REQUIRES: count windows.
  CountSequencer& sequencer() { return *sequencer_; }

  // ---- Manager side ----------------------------------------------------------
  std::size_t counters() const { return recorder_.counters(); }

  // The next closed window, or nullopt when none is due yet.
  std::optional<ClosedWindow> next_window();
  // The same, but closing only as far as needed to admit a deferred piece of
  // `pane` into the horizon: nullopt when the piece is admitted already (or
  // is late) or no more is due. Lets the manager record deferred pieces in
  // pane order before the watermark closes their panes (see stream_runtime).
  std::optional<ClosedWindow> next_window_admitting(PaneId pane);

  // Records a piece a writer got beyond_horizon for (see above).
  // REQUIRES: deltas.size() == counters().
  RecordOutcome record_deferred(PaneId pane, std::span<const std::uint64_t> deltas);

  // Everything recorded as late so far, as of the last rotation.
  std::span<const std::uint64_t> late_counts() const { return recorder_.late_counts(); }

  // Fills `out` (reusing its buffer). Returns false, leaving `out` unusable,
  // when a count window's snapshot has holes: events reserved but not yet
  // recorded (in flight or deferred); try again later.
  // REQUIRES: the last next_window() returned nullopt.
  bool checkpoint(WindowCheckpoint& out);

  // Loads a checkpoint of an assembler with the same spec and counters.
  // REQUIRES: fresh assembler (no window closed, no piece recorded), writers
  // not started. Throws InputError for a checkpoint that does not fit (its
  // panes not valid_pane() ones included).
  void restore(const WindowCheckpoint& checkpoint);

  // True when `pane` is one this spec can have: the pane of a timestamp
  // pane.h accepts, or a count window whose sequence numbers fit int64. Pane
  // arithmetic on such panes never overflows; a checkpoint naming others is
  // corrupt.
  bool valid_pane(PaneId pane) const;

 private:
  PaneId first_unclosable_pane();
  // next_window() closing no pane at or above `limit`.
  std::optional<ClosedWindow> next_window_before(PaneId limit);
  Interval window_bounds(PaneId last_pane) const;
  void fold(PaneId pane, std::span<const std::uint64_t> pane_counts);
  std::span<std::uint64_t> recent_pane(PaneId pane);  // Its block in recent_panes_.

  const WindowSpec spec_;
  const std::optional<PaneClock> clock_;   // Time windows.
  std::optional<CountSequencer> sequencer_;  // Count windows.
  Watermark watermark_;
  WindowRecorder recorder_;

  // Manager-owned state.
  std::vector<std::uint64_t> closed_blocks_;  // Output of the last close_panes_before().
  ClosedPanes last_closed_;                   // What that call closed.
  PaneId next_to_fold_ = 0;                   // Panes [next_to_fold_, last_closed_.end) wait.
  // The last panes_per_window folded panes, pane p at block p mod k.
  std::vector<std::uint64_t> recent_panes_;
  std::vector<std::uint64_t> window_counts_;  // Sum of recent_panes_.
};

}  // namespace driftd
