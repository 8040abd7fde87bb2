// What the window module can hold: the limits a WindowSpec and a
// WindowAssembler enforce (their factories and constructor throw InputError
// beyond them), spelled out so that a configuration can be checked against
// the same numbers before anything is built.
//
//  - Durations (size, slide, allowed lateness): at most kMaxTimestampMs
//    (pane.h), the domain in which no pane or window arithmetic overflows.
//  - Panes per window (size / slide): a sliding window is the sum of its
//    panes, and the assembler keeps the last size/slide closed panes, one
//    block of counters each, until the window they complete closes (and in
//    every checkpoint): at most kMaxPanesPerWindow.
//  - Open panes: the recorder keeps ceil(allowed_lateness / slide) + 1 +
//    spare open panes, one block of counters per pane and writer
//    (window_assembler.h): at most kMaxOpenPanes. The daemon uses
//    kDefaultSpareOpenPanes, so allowed_lateness <= max_allowed_lateness_ms().
//  - Events per count window: at most kMaxEventsPerWindow = 2^62 - 1.
//    Sequence numbers stay below 2^62 (146 years at 10^9 events a second),
//    and the end of the window holding sequence s, at most s + N, below 2^63.
//
// Thread safety: constants and a pure function.
#pragma once

#include <algorithm>
#include <cstdint>

#include "window/pane.h"

namespace driftd {

inline constexpr std::int64_t kMaxPanesPerWindow = 4096;
inline constexpr std::int64_t kMaxOpenPanes = 4096;
inline constexpr std::int64_t kDefaultSpareOpenPanes = 2;
inline constexpr std::int64_t kMaxEventsPerWindow = (std::int64_t{1} << 62) - 1;

// The largest allowed lateness whose open panes of `pane_ms` fit
// kMaxOpenPanes with `spare_open_panes` spare ones: ceil(lateness / pane_ms)
// + 1 + spare <= kMaxOpenPanes, capped at kMaxTimestampMs.
// REQUIRES: 0 < pane_ms; 0 <= spare_open_panes < kMaxOpenPanes.
constexpr std::int64_t max_allowed_lateness_ms(
    std::int64_t pane_ms, std::int64_t spare_open_panes = kDefaultSpareOpenPanes) {
  const std::int64_t lateness_panes = kMaxOpenPanes - 1 - spare_open_panes;
  return pane_ms > kMaxTimestampMs / std::max<std::int64_t>(lateness_panes, 1)
             ? kMaxTimestampMs
             : std::min(kMaxTimestampMs, lateness_panes * pane_ms);
}

}  // namespace driftd
