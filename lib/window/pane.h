// Vocabulary shared by the window module: pane ids, half-open intervals and
// the range of timestamps the module accepts.
//
// A pane is the unit the recorder counts into. For time windows pane p is the
// time slice [p*L, (p+1)*L) of the pane length L (the WindowSpec's slide); for
// count windows pane p is count window p itself. A window is one pane or, for
// sliding windows, several consecutive panes summed.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

namespace driftd {

using PaneId = std::int64_t;

// A half-open range [start, end): milliseconds since the Unix epoch for time
// windows and panes, event sequence numbers for count windows.
struct Interval {
  std::int64_t start = 0;
  std::int64_t end = 0;

  friend bool operator==(const Interval&, const Interval&) = default;
};

// Timestamps (ms since the epoch) the module accepts: about +-146 million
// years. Callers count anything outside as invalid before it gets here; within
// this range no pane or window arithmetic of the module can overflow.
inline constexpr std::int64_t kMinTimestampMs = -(std::int64_t{1} << 62);
inline constexpr std::int64_t kMaxTimestampMs = (std::int64_t{1} << 62) - 1;

// floor(a / b) and the matching non-negative remainder, for b > 0: the pane
// of t = -1 ms is pane -1, not pane 0 as truncating division would say.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t quotient = a / b;
  return (a % b != 0 && a < 0) ? quotient - 1 : quotient;
}

constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
  const std::int64_t remainder = a % b;
  return remainder < 0 ? remainder + b : remainder;
}

// totals[i] += deltas[i] modulo 2^64, for every i: how counter blocks of one
// layout merge (every counter is additive, and the fixed-point moment sums
// are two's-complement words, right modulo 2^64 too).
// REQUIRES: totals.size() == deltas.size().
inline void add_counts(std::span<std::uint64_t> totals, std::span<const std::uint64_t> deltas) {
  assert(totals.size() == deltas.size());
  for (std::size_t i = 0; i < totals.size(); ++i) totals[i] += deltas[i];
}

}  // namespace driftd
