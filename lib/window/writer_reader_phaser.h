// WriterReaderPhaser: lets one reader know when every writer that might still
// be using the data of the previous phase has finished, without writers ever
// waiting. A C++ port of HdrHistogram's WriterReaderPhaser
// (Java: org.HdrHistogram.WriterReaderPhaser, C: hdr_writer_reader_phaser).
//
// Assumptions
//   - Writers bracket each update with enter() ... exit(phase), passing to
//     exit() the phase enter() returned, and touch only data belonging to that
//     phase (e.g. the half of a double buffer indexed by it) in between.
//   - One reader at a time calls flip() (the window manager's thread/strand).
//   - The reader touches the data of phase q only after a flip() that
//     returned q and before the next flip().
//
// Guarantees
//   1. When flip() returns q, every critical section that entered phase q has
//      exited, and everything it wrote happens-before flip()'s return.
//   2. A critical section of the new phase (every one that enters after
//      flip() returned, and possibly some that entered while it ran) sees
//      everything the reader did before calling flip(): that happens-before
//      its enter() returns.
//   Hence data of phase q is written by writers only before flip() returns q
//   and read by the reader only afterwards, until the next flip().
//
// Progress
//   enter() and exit() are wait-free (one atomic fetch_add each). flip()
//   blocks, yielding, until the writers of the old phase have exited; that is
//   bounded by the longest critical section in flight, unless a writer thread
//   is descheduled inside one.
//
// Example
//   writer:  const unsigned phase = phaser.enter();
//            half[phase][i] += delta;          // plain add, own shard
//            phaser.exit(phase);
//   reader:  const unsigned old = phaser.flip();
//            total += half[old][i]; half[old][i] = 0;
//
// Implementation: start_ counts enter() calls, end_[q] counts exit() calls of
// phase q; the top bit of start_ is the current phase (phase 1 counts from
// 2^63). flip() swaps start_ to the other phase's origin and waits until
// end_[old] equals the value start_ had at the swap.
#pragma once

#include <atomic>
#include <cstdint>

namespace driftd {

class WriterReaderPhaser {
 public:
  WriterReaderPhaser() = default;
  WriterReaderPhaser(const WriterReaderPhaser&) = delete;
  WriterReaderPhaser& operator=(const WriterReaderPhaser&) = delete;

  // Writer side. enter() returns the phase, 0 or 1, to pass to exit().
  unsigned enter() {
    // acquire: pairs with flip()'s release so a writer of the new phase sees
    // everything the reader did before flipping (Guarantee 2).
    return static_cast<unsigned>(start_.fetch_add(1, std::memory_order_acquire) >> 63);
  }
  void exit(unsigned phase) {
    // release: publishes the critical section's writes to the reader's
    // acquire load in flip() (Guarantee 1).
    end_[phase].fetch_add(1, std::memory_order_release);
  }

  // Reader side: makes the other phase current, waits until every writer of
  // the old phase has exited, and returns the old phase.
  // REQUIRES: one reader at a time.
  unsigned flip();

 private:
  static constexpr std::uint64_t kPhaseOrigin[2] = {0, std::uint64_t{1} << 63};

  // Entered critical sections, counted from the current phase's origin.
  alignas(64) std::atomic<std::uint64_t> start_{kPhaseOrigin[0]};
  // Exited critical sections of each phase, counted from its origin.
  alignas(64) std::atomic<std::uint64_t> end_[2] = {kPhaseOrigin[0], kPhaseOrigin[1]};
  // The current phase. Read and modified only by flip().
  unsigned reader_phase_ = 0;
};

}  // namespace driftd
