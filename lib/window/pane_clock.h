// PaneClock: which pane a timestamp falls in, where a pane starts and ends,
// and which window each pane completes.
//
// Time is cut into panes of one length L (the WindowSpec's slide), aligned on
// the Unix epoch: pane p covers [p*L, (p+1)*L). Timestamps before 1970 work
// the same way: the pane of t is floor(t / L), so t = -1 ms is in pane -1.
// A window is k = panes_per_window consecutive panes (k = 1 for tumbling).
// Naming a window by its last pane, window p covers panes [p-k+1, p], the time
// [(p-k+1)*L, (p+1)*L). Pane p belongs to windows p .. p+k-1 and completes
// exactly one of them: window p. Window p closes when pane p closes.
//
// Domain: timestamps in [kMinTimestampMs, kMaxTimestampMs] (pane.h); pane ids
// of such timestamps; then no computation here overflows.
//
// Thread safety: immutable after construction; share it freely.
#pragma once

#include <chrono>
#include <cstdint>

#include "window/pane.h"
#include "window/window_spec.h"

namespace driftd {

class PaneClock {
 public:
  // REQUIRES: spec.is_time_window().
  explicit PaneClock(const WindowSpec& spec);

  std::int64_t panes_per_window() const { return panes_per_window_; }

  // REQUIRES: kMinTimestampMs <= time_ms <= kMaxTimestampMs (the watermark
  // never leaves that range either).
  PaneId pane_of(std::int64_t time_ms) const { return floor_div(time_ms, pane_length_ms_); }

  // [start, end) of a pane.
  Interval pane_bounds(PaneId pane) const;

  // [start, end) of the window that `last_pane` completes (window last_pane).
  Interval window_bounds(PaneId last_pane) const;

 private:
  std::int64_t pane_length_ms_;    // Immutable after construction.
  std::int64_t panes_per_window_;  // Immutable after construction.
};

}  // namespace driftd
