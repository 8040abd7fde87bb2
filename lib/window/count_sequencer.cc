#include "window/count_sequencer.h"

#include <algorithm>
#include <cassert>

namespace driftd {

CountSequencer::CountSequencer(std::int64_t events_per_window, std::int64_t next_sequence)
    : events_per_window_(events_per_window), next_sequence_(next_sequence) {
  assert(events_per_window > 0 && next_sequence >= 0);
}

SequenceRange CountSequencer::reserve(std::int64_t events) {
  assert(events >= 0);
  // relaxed: the numbers only need to be unique and dense (atomicity gives
  // that); the counts they label reach the reader through the recorder's
  // phaser, and count windows close on recorded events, not on this value.
  return {next_sequence_.fetch_add(events, std::memory_order_relaxed), events};
}

std::int64_t CountSequencer::next_sequence() const {
  // relaxed: see reserve(); a reader that needs every reservation made before
  // some recorded batch gets it from that batch's happens-before edge.
  return next_sequence_.load(std::memory_order_relaxed);
}

void CountSequencer::reset(std::int64_t next_sequence) {
  assert(next_sequence >= 0);
  // relaxed: REQUIRES no concurrent reserve(); writers started later see it
  // through whatever starts them.
  next_sequence_.store(next_sequence, std::memory_order_relaxed);
}

Interval CountSequencer::window_bounds(PaneId pane) const {
  return {pane * events_per_window_, (pane + 1) * events_per_window_};
}

CountPiece CountSequencer::piece_at(SequenceRange batch, std::int64_t offset) const {
  assert(offset >= 0 && offset < batch.count);
  const std::int64_t sequence = batch.first + offset;
  const PaneId pane = pane_of(sequence);
  const std::int64_t piece_end = std::min(batch.first + batch.count, window_bounds(pane).end);
  return {pane, offset, piece_end - sequence};
}

}  // namespace driftd
