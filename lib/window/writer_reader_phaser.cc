#include "window/writer_reader_phaser.h"

#include <thread>

namespace driftd {

unsigned WriterReaderPhaser::flip() {
  const unsigned old_phase = reader_phase_;
  const unsigned new_phase = old_phase ^ 1U;
  // relaxed: nobody increments end_[new_phase] now: its last writers left
  // before the previous flip returned, and the next ones enter only after the
  // exchange below, whose release orders this store before their exit().
  end_[new_phase].store(kPhaseOrigin[new_phase], std::memory_order_relaxed);
  // release: publishes the reader's earlier writes to writers that enter the
  // new phase (their acquire fetch_add reads this value or a later one).
  const std::uint64_t entered_old =
      start_.exchange(kPhaseOrigin[new_phase], std::memory_order_release);
  // acquire: the writes of an exited writer happen-before the reader's
  // subsequent reads of the old phase's data.
  while (end_[old_phase].load(std::memory_order_acquire) != entered_old) {
    std::this_thread::yield();
  }
  reader_phase_ = new_phase;
  return old_phase;
}

}  // namespace driftd
