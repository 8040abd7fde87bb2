// PaneDeltaRecorder: an instance's side of a stream's windows in cluster
// mode. Writers record exactly as into a WindowAssembler of the same time
// window spec (observe the watermark, then record each piece into
// clock().pane_of(t)), but nothing here closes a window or judges an event
// late: at every cut the caller take()s everything recorded since the
// previous cut, pane by pane, and produces it for the stream's owner, who
// adds the instances' deltas up and decides.
//
// The open range follows the watermark as a WindowAssembler's does (the
// pane of max event time - allowed lateness, never lower), so on-time
// events stay on the fast path. A piece outside it is refused -- record()
// returns late (its pane was handed out by an earlier take()) or
// beyond_horizon -- and the caller keeps it for the next cut. Nothing is
// ever counted as late here.
//
// Guarantees
//   1. Conservation: every delta recorded (outcome `recorded`) is handed out
//      by exactly one take(), in its pane; refused ones by none.
//   2. take() is a consistent cut (window_recorder.h, Guarantee 3): it holds
//      every piece of the batches begun before it and none of those begun
//      after it.
//   3. No allocation after construction.
//
// Thread safety: recorder(), watermark() and clock() are for the writers;
// take() for one thread at a time (the window manager's).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "window/pane.h"
#include "window/pane_clock.h"
#include "window/watermark.h"
#include "window/window_limits.h"
#include "window/window_recorder.h"
#include "window/window_spec.h"

namespace driftd {

// One pane's counts handed out by a take().
struct PaneCounts {
  PaneId pane = 0;
  std::span<const std::uint64_t> counts;  // valid until the next take()
};

class PaneDeltaRecorder {
 public:
  // Throws InputError for a count window spec, counters == 0, writers == 0,
  // or a lateness needing more than kMaxOpenPanes open panes.
  PaneDeltaRecorder(const WindowSpec& spec, std::size_t counters, std::size_t writers,
                    std::size_t spare_open_panes = kDefaultSpareOpenPanes);

  PaneDeltaRecorder(const PaneDeltaRecorder&) = delete;
  PaneDeltaRecorder& operator=(const PaneDeltaRecorder&) = delete;

  // ---- Writer side -----------------------------------------------------------
  WindowRecorder& recorder() { return recorder_; }
  Watermark& watermark() { return watermark_; }
  const PaneClock& clock() const { return clock_; }

  // ---- Manager side ----------------------------------------------------------
  std::size_t counters() const { return recorder_.counters(); }

  // Everything recorded since the previous take(), the panes holding any
  // count in ascending order (valid until the next take()); then opens the
  // range at the watermark's pane.
  std::span<const PaneCounts> take();

 private:
  const PaneClock clock_;
  Watermark watermark_;
  WindowRecorder recorder_;

  // Manager-owned buffers, sized once: the panes a take() can close (at most
  // open_panes() with counts) and the open ones.
  std::vector<std::uint64_t> closed_blocks_;
  std::vector<std::uint64_t> open_blocks_;
  std::vector<PaneCounts> taken_;
};

}  // namespace driftd
