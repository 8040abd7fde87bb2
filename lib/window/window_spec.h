// WindowSpec: what a window is, as a validated, immutable value.
//
// Three kinds of window:
//  - tumbling(size): back-to-back time windows [k*size, (k+1)*size), aligned
//    on the Unix epoch.
//  - sliding(size, slide): a time window of length `size` ends every `slide`.
//    size must be a multiple of slide. Such a window is recorded as panes of
//    length `slide` and built as the sum of size/slide consecutive panes, so
//    each event is counted once however many windows contain it.
//  - count(N): back-to-back windows of N events in sequence order; window k
//    holds the events with sequence numbers [k*N, (k+1)*N).
// and, for time windows, two time domains:
//  - event time: the event's own timestamp. A window closes when the
//    watermark (max event time seen - allowed_lateness) reaches its end;
//    events that arrive for it afterwards are counted as late.
//  - processing time: the process's clock when the batch is recorded; there
//    is no lateness.
//
// Guarantees: a WindowSpec that exists is valid: durations are positive, size
// is a multiple of slide, lateness is non-negative and used by event time
// only, and within window_limits.h: every duration at most kMaxTimestampMs,
// size / slide at most kMaxPanesPerWindow, events per count window at most
// kMaxEventsPerWindow. The factories throw InputError naming the problem
// otherwise.
//
// Thread safety: an immutable value; share it freely.
#pragma once

#include <chrono>
#include <cstdint>

namespace driftd {

enum class WindowKind { tumbling, sliding, count };
enum class TimeDomain { event_time, processing_time };

class WindowSpec {
 public:
  static WindowSpec tumbling(std::chrono::milliseconds size, TimeDomain domain,
                             std::chrono::milliseconds allowed_lateness = {});
  static WindowSpec sliding(std::chrono::milliseconds size, std::chrono::milliseconds slide,
                            TimeDomain domain, std::chrono::milliseconds allowed_lateness = {});
  static WindowSpec count(std::int64_t events_per_window);

  WindowKind kind() const { return kind_; }
  bool is_time_window() const { return kind_ != WindowKind::count; }

  // Time windows only (count windows report processing_time and zero durations).
  TimeDomain domain() const { return domain_; }
  std::chrono::milliseconds size() const { return size_; }
  // Distance between the ends of consecutive windows, and the pane length:
  // equal to size() for tumbling windows.
  std::chrono::milliseconds slide() const { return slide_; }
  std::chrono::milliseconds allowed_lateness() const { return allowed_lateness_; }

  // size / slide for time windows; 1 for count windows.
  std::int64_t panes_per_window() const;
  // Count windows only (0 for time windows).
  std::int64_t events_per_window() const { return events_per_window_; }

 private:
  WindowSpec(WindowKind kind, TimeDomain domain, std::chrono::milliseconds size,
             std::chrono::milliseconds slide, std::chrono::milliseconds allowed_lateness,
             std::int64_t events_per_window);

  WindowKind kind_;
  TimeDomain domain_;
  std::chrono::milliseconds size_;
  std::chrono::milliseconds slide_;
  std::chrono::milliseconds allowed_lateness_;
  std::int64_t events_per_window_;
};

}  // namespace driftd
