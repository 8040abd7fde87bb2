#include "window/window_assembler.h"

#include <algorithm>
#include <limits>
#include <cassert>
#include <string>

#include "common/error.h"

namespace driftd {
namespace {

std::size_t require_positive(const char* what, std::size_t value) {
  if (value == 0) {
    throw InputError(std::string("a window assembler needs at least one ") + what);
  }
  return value;
}

}  // namespace

std::size_t open_panes_for(const WindowSpec& spec, std::size_t spare_open_panes) {
  std::int64_t needed = 1;
  if (spec.is_time_window()) {
    const std::int64_t pane_ms = spec.slide().count();
    needed += (spec.allowed_lateness().count() + pane_ms - 1) / pane_ms;
  }
  const std::int64_t limit = kMaxOpenPanes;
  if (needed > limit || static_cast<std::int64_t>(spare_open_panes) > limit - needed) {
    throw InputError("allowed lateness of " + std::to_string(spec.allowed_lateness().count()) +
                     " ms with panes of " + std::to_string(spec.slide().count()) + " ms and " +
                     std::to_string(spare_open_panes) + " spare panes needs more than " +
                     std::to_string(limit) + " open panes");
  }
  return static_cast<std::size_t>(needed) + spare_open_panes;
}

PaneId initial_first_open_pane(const WindowSpec& spec) {
  return spec.is_time_window() ? floor_div(kMinTimestampMs, spec.slide().count()) : 0;
}

WindowAssembler::WindowAssembler(const WindowSpec& spec, std::size_t counters,
                                 std::size_t writers, std::size_t spare_open_panes)
    : spec_(spec),
      clock_(spec.is_time_window() ? std::optional<PaneClock>(spec) : std::nullopt),
      sequencer_(spec.is_time_window()
                     ? std::optional<CountSequencer>()
                     : std::optional<CountSequencer>(std::in_place, spec.events_per_window(), 0)),
      watermark_(spec.allowed_lateness()),
      recorder_(require_positive("counter (the event count)", counters),
                require_positive("writer", writers) + 1, open_panes_for(spec, spare_open_panes),
                initial_first_open_pane(spec)),
      closed_blocks_(recorder_.open_panes() * counters, 0),
      recent_panes_(static_cast<std::size_t>(spec.panes_per_window()) * counters, 0),
      window_counts_(counters, 0) {}

std::optional<ClosedWindow> WindowAssembler::next_window() {
  return next_window_before(std::numeric_limits<PaneId>::max());
}

std::optional<ClosedWindow> WindowAssembler::next_window_admitting(PaneId pane) {
  const auto horizon = static_cast<PaneId>(recorder_.open_panes());
  return next_window_before(pane - horizon + 1);
}

std::optional<ClosedWindow> WindowAssembler::next_window_before(PaneId limit) {
  for (;;) {
    if (next_to_fold_ == last_closed_.end) {
      const PaneId due = std::min(first_unclosable_pane(), limit);
      if (due <= recorder_.first_open_pane()) {
        return std::nullopt;
      }
      last_closed_ = recorder_.close_panes_before(due, closed_blocks_);
      next_to_fold_ = last_closed_.first;
    }
    const PaneId pane = next_to_fold_++;
    const std::int64_t index = pane - last_closed_.first;
    const bool has_counts = index < last_closed_.with_counts;
    fold(pane, has_counts ? std::span<const std::uint64_t>(closed_blocks_)
                                .subspan(static_cast<std::size_t>(index) * counters(), counters())
                          : std::span<const std::uint64_t>());
    if (std::ranges::any_of(window_counts_, [](std::uint64_t count) { return count != 0; })) {
      return ClosedWindow{window_bounds(pane), window_counts_};
    }
    // An empty window means the last panes_per_window panes were all empty;
    // when the remaining closed panes are known empty too (recorder I5), so
    // are all windows ending in them: skip the gap.
    if (index + 1 >= last_closed_.with_counts) {
      next_to_fold_ = last_closed_.end;
    }
  }
}

PaneId WindowAssembler::first_unclosable_pane() {
  if (clock_) {
    return watermark_.first_unclosable_pane(*clock_);
  }
  recorder_.settle();
  const auto complete = static_cast<std::uint64_t>(sequencer_->events_per_window());
  PaneId pane = recorder_.first_open_pane();
  const PaneId end = pane + static_cast<PaneId>(recorder_.open_panes());
  while (pane < end && recorder_.settled_counts(pane)[kEventCounter] >= complete) {
    ++pane;
  }
  return pane;
}

Interval WindowAssembler::window_bounds(PaneId last_pane) const {
  return clock_ ? clock_->window_bounds(last_pane) : sequencer_->window_bounds(last_pane);
}

void WindowAssembler::fold(PaneId pane, std::span<const std::uint64_t> pane_counts) {
  const std::span<std::uint64_t> leaving = recent_pane(pane);
  for (std::size_t i = 0; i < leaving.size(); ++i) {
    const std::uint64_t entering = pane_counts.empty() ? 0 : pane_counts[i];
    // Exact in unsigned arithmetic: the true sum never goes below zero.
    window_counts_[i] += entering - leaving[i];
    leaving[i] = entering;
  }
}

std::span<std::uint64_t> WindowAssembler::recent_pane(PaneId pane) {
  const auto block = static_cast<std::size_t>(floor_mod(pane, spec_.panes_per_window()));
  return std::span(recent_panes_).subspan(block * counters(), counters());
}

RecordOutcome WindowAssembler::record_deferred(PaneId pane,
                                               std::span<const std::uint64_t> deltas) {
  return recorder_.record(recorder_.writers() - 1, pane, deltas);
}

bool WindowAssembler::checkpoint(WindowCheckpoint& out) {
  assert(next_to_fold_ == last_closed_.end);
  recorder_.settle();
  const PaneId first_open = recorder_.first_open_pane();
  // Panes before the first a fresh assembler opens were never folded (their
  // blocks, shared with none of the folded panes, are zeros), and restore()
  // could not name them: valid_pane().
  out.first_pane =
      std::max(first_open - (spec_.panes_per_window() - 1), initial_first_open_pane(spec_));
  out.first_open_pane = first_open;
  out.next_sequence = sequencer_ ? sequencer_->next_sequence() : 0;
  out.counts.clear();
  for (PaneId pane = out.first_pane; pane < first_open; ++pane) {
    const auto recent = recent_pane(pane);
    out.counts.insert(out.counts.end(), recent.begin(), recent.end());
  }
  std::uint64_t open_events = 0;
  for (PaneId pane = first_open; pane < first_open + static_cast<PaneId>(recorder_.open_panes());
       ++pane) {
    const auto settled = recorder_.settled_counts(pane);
    out.counts.insert(out.counts.end(), settled.begin(), settled.end());
    open_events += settled[kEventCounter];
  }
  // Count windows: the open panes' events are distinct sequence numbers of
  // [first_open * N, next_sequence) (each was reserved before its batch ended,
  // and the batch ended before settle() returned); equal sizes mean no holes.
  return !sequencer_ ||
         open_events == static_cast<std::uint64_t>(
                            out.next_sequence - first_open * sequencer_->events_per_window());
}

bool WindowAssembler::valid_pane(PaneId pane) const {
  if (spec_.is_time_window()) {
    const std::int64_t length = spec_.slide().count();
    return pane >= floor_div(kMinTimestampMs, length) && pane <= floor_div(kMaxTimestampMs, length);
  }
  return pane >= 0 && pane < std::numeric_limits<std::int64_t>::max() / spec_.events_per_window();
}

void WindowAssembler::restore(const WindowCheckpoint& checkpoint) {
  if (!valid_pane(checkpoint.first_pane) || !valid_pane(checkpoint.first_open_pane)) {
    throw InputError("checkpoint's panes " + std::to_string(checkpoint.first_pane) + " and " +
                     std::to_string(checkpoint.first_open_pane) +
                     " lie outside the range of this window spec");
  }
  const std::size_t n = counters();
  const std::int64_t closed_panes = checkpoint.first_open_pane - checkpoint.first_pane;
  if (checkpoint.counts.size() % n != 0) {
    throw InputError("checkpoint holds " + std::to_string(checkpoint.counts.size()) +
                     " counts, not a whole number of blocks of " + std::to_string(n));
  }
  const auto panes = static_cast<std::int64_t>(checkpoint.counts.size() / n);
  if (closed_panes < 0 || closed_panes >= spec_.panes_per_window() || panes < closed_panes ||
      panes - closed_panes > static_cast<std::int64_t>(recorder_.open_panes())) {
    throw InputError("checkpoint of " + std::to_string(panes) + " panes from pane " +
                     std::to_string(checkpoint.first_pane) + " with pane " +
                     std::to_string(checkpoint.first_open_pane) +
                     " first open does not fit this window spec");
  }
  if (checkpoint.first_open_pane < recorder_.first_open_pane()) {
    throw InputError("checkpoint's first open pane " + std::to_string(checkpoint.first_open_pane) +
                     " precedes the first pane this assembler can open (" +
                     std::to_string(recorder_.first_open_pane()) + ")");
  }
  if (sequencer_ &&
      checkpoint.next_sequence < checkpoint.first_open_pane * sequencer_->events_per_window()) {
    throw InputError("checkpoint's next sequence number " +
                     std::to_string(checkpoint.next_sequence) + " lies in a closed count window");
  }
  // Move the open range; what this hands out is empty in a fresh assembler.
  recorder_.close_panes_before(checkpoint.first_open_pane, closed_blocks_);
  for (std::int64_t i = 0; i < panes; ++i) {
    const PaneId pane = checkpoint.first_pane + i;
    const auto counts =
        std::span(checkpoint.counts).subspan(static_cast<std::size_t>(i) * n, n);
    if (pane < checkpoint.first_open_pane) {
      fold(pane, counts);
    } else {
      recorder_.restore_counts(pane, counts);
    }
  }
  if (sequencer_) {
    sequencer_->reset(checkpoint.next_sequence);
  }
}

}  // namespace driftd
