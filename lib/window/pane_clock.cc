#include "window/pane_clock.h"

#include <cassert>

namespace driftd {

PaneClock::PaneClock(const WindowSpec& spec)
    : pane_length_ms_(spec.slide().count()), panes_per_window_(spec.panes_per_window()) {
  assert(spec.is_time_window());
}

Interval PaneClock::pane_bounds(PaneId pane) const {
  return {pane * pane_length_ms_, (pane + 1) * pane_length_ms_};
}

Interval PaneClock::window_bounds(PaneId last_pane) const {
  return {(last_pane - panes_per_window_ + 1) * pane_length_ms_, (last_pane + 1) * pane_length_ms_};
}

}  // namespace driftd
