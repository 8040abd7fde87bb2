// CountSequencer: numbers events in arrival order for count windows and cuts
// a batch where count windows end.
//
// Count window k (pane k) holds the events with sequence numbers
// [k*N, (k+1)*N). A writer reserves its whole batch with one atomic fetch_add
// (reserve()), then walks the batch with piece_at(): each piece is the longest
// run of the batch that stays in one window, so a batch of 512 events with
// N = 200 may become up to four pieces. The writer bins each piece and records
// its counts into the piece's pane; counter 0 of every piece's deltas carries
// the piece's length (see window_assembler.h).
//
// Guarantees:
//  1. Reserved ranges are disjoint and, taken together, cover every sequence
//     number from the initial next_sequence up to next_sequence() without gaps.
//  2. The pieces of a batch partition it in order; piece i lies in one window.
//
// Thread safety: reserve() from any number of threads; next_sequence() from
// any thread; reset() only while no reserve() can run (restore before the
// writers start). Lock-free: one fetch_add per batch.
#pragma once

#include <atomic>
#include <cstdint>

#include "window/pane.h"

namespace driftd {

// The sequence numbers [first, first + count) of one batch.
struct SequenceRange {
  std::int64_t first = 0;
  std::int64_t count = 0;

  friend bool operator==(const SequenceRange&, const SequenceRange&) = default;
};

// Events [offset, offset + length) of a batch, all in count window `pane`.
struct CountPiece {
  PaneId pane = 0;
  std::int64_t offset = 0;
  std::int64_t length = 0;

  friend bool operator==(const CountPiece&, const CountPiece&) = default;
};

class CountSequencer {
 public:
  // REQUIRES: events_per_window > 0 and next_sequence >= 0.
  CountSequencer(std::int64_t events_per_window, std::int64_t next_sequence);

  CountSequencer(const CountSequencer&) = delete;
  CountSequencer& operator=(const CountSequencer&) = delete;

  // REQUIRES: events >= 0.
  SequenceRange reserve(std::int64_t events);

  // The first sequence number not reserved yet.
  std::int64_t next_sequence() const;

  // REQUIRES: next_sequence >= 0; no concurrent reserve().
  void reset(std::int64_t next_sequence);

  std::int64_t events_per_window() const { return events_per_window_; }
  PaneId pane_of(std::int64_t sequence) const { return sequence / events_per_window_; }

  // [first sequence, one past the last) of count window `pane`.
  Interval window_bounds(PaneId pane) const;

  // The piece of `batch` that starts `offset` events into it.
  // REQUIRES: 0 <= offset < batch.count.
  CountPiece piece_at(SequenceRange batch, std::int64_t offset) const;

 private:
  const std::int64_t events_per_window_;
  alignas(64) std::atomic<std::int64_t> next_sequence_;
};

}  // namespace driftd
