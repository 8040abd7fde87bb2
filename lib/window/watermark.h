// Watermark: the event-time frontier that decides which panes may close.
//
// Writers report the largest event time of each batch (observe(), once per
// batch); the watermark is that maximum minus the allowed lateness:
//     watermark = max event time observed - allowed_lateness
// It asserts "no more events older than this are expected": pane p may close
// once watermark >= end of p, i.e. for every p < first_unclosable_pane().
// An event with time t >= watermark can therefore never find its pane closed,
// which is what allowed lateness promises; older events may find it closed
// and are then counted as late by the recorder, never dropped.
// For processing-time windows the window manager observes its clock instead
// (allowed lateness 0), so the same rule closes panes the clock has passed.
//
// Guarantees:
//  1. current() is monotone: it never decreases, whatever order observe()
//     calls race in.
//  2. Before any observe(), current() is kMinTimestampMs: nothing closes.
//
// Thread safety: observe() from any number of threads concurrently with
// current()/first_unclosable_pane() from any thread. Lock-free; an observe()
// that does not raise the maximum is a single load.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "window/pane.h"
#include "window/pane_clock.h"

namespace driftd {

class Watermark {
 public:
  // REQUIRES: 0 <= allowed_lateness <= kMaxTimestampMs (WindowSpec checks).
  explicit Watermark(std::chrono::milliseconds allowed_lateness);

  Watermark(const Watermark&) = delete;
  Watermark& operator=(const Watermark&) = delete;

  // REQUIRES: kMinTimestampMs <= time_ms <= kMaxTimestampMs.
  void observe(std::int64_t time_ms);

  // max observed - allowed lateness, never below kMinTimestampMs.
  std::int64_t current() const;

  // The first pane that may not close yet: panes below it may close.
  PaneId first_unclosable_pane(const PaneClock& clock) const {
    return clock.pane_of(current());
  }

 private:
  const std::int64_t allowed_lateness_ms_;
  // Largest time observed; only ever raised (compare-exchange loop).
  alignas(64) std::atomic<std::int64_t> max_time_ms_{kMinTimestampMs};
};

}  // namespace driftd
