// WindowRecorder: lock-free recording of per-batch counter deltas into the
// panes of open windows, and exact hand-out of closed panes.
//
// What it is for
//   Workers bin a batch of events and add the batch's counts, a block of
//   `counters` uint64 words whose layout the caller defines (all features'
//   bins, missing and invalid slots...), into the pane the events belong to.
//   One reader (the window manager) closes panes in order and takes every
//   closed pane's totals. H = open_panes consecutive panes are open at a time:
//   [first_open, first_open + H). Closing the panes below a new first_open
//   opens as many new panes at the top.
//
// Outcome of recording a piece into pane p (writers learn it at once):
//   recorded        p is open: the deltas count for p.
//   late            p is closed: the deltas go to the late totals instead
//                   (LatePieces::counted), or nothing is recorded and the
//                   caller keeps the piece (LatePieces::refused: cluster
//                   mode's instances, where the stream's owner decides what
//                   is late).
//   beyond_horizon  p >= the end of the open range: nothing is recorded; the
//                   caller hands the deltas to the slow path (the window
//                   manager closes due panes, then records them itself).
//
// Design, and why
//   Per-writer shards behind a writer-reader phaser (writer_reader_phaser.h,
//   HdrHistogram's WriterReaderPhaser). Writer w owns a cache-line-aligned
//   shard of two halves, one per phase; a half holds H pane slots (pane p uses
//   slot p mod H) and one late slot, each slot one counter block. A writer
//   enters the phaser once per BATCH, reads the open range once, and adds with
//   plain, vectorisable adds into its own half of the phase it entered: no
//   lock, no allocation, no syscall, no contended cache line per counter. The
//   reader publishes a new first_open, flips the phase, waits for the writers
//   of the old phase to leave, and drains the old halves (adds them into its
//   own `settled` blocks and zeroes them); closed panes then leave `settled`.
//   Rejected: shared counters with relaxed fetch_add (650 locked adds per
//   batch, cache lines bouncing between workers); Prometheus hot/cold counts
//   (a shared count word plus atomic buckets, made for one observation at a
//   time rather than blocks of counters). Cost of the choice:
//   2 * writers * (H + 1) * counters words of memory, all of which each
//   rotation reads, and a reader that waits for the batches in flight.
//
// Guarantees
//   1. Conservation: every delta given to record() ends up exactly once either
//      in the pane it was recorded for, handed out by close_panes_before() or
//      take_settled_counts(), or in late_counts(); or record() returned
//      beyond_horizon (or late, with LatePieces::refused) and recorded
//      nothing.
//   2. A piece for pane p is late exactly when p is below the first_open its
//      batch read when it began. Every batch begun after p's close reads p as
//      closed; a batch racing the close counts its piece for p or as late,
//      never both.
//   3. Consistent cut: a rotation (close_panes_before() or settle()) splits
//      batches at its flip. Every piece of the batches begun before it is, when
//      the rotation returns, in settled_counts(), late_counts() or a handed-out
//      pane; no piece of the batches begun after it is.
//   4. No allocation after construction.
//
// Progress
//   Writers are wait-free: two atomic fetch_adds and two loads per batch, then
//   plain adds. The reader's rotation blocks (yielding) until the batches in
//   flight at its flip have ended.
//
// Invariants (period q = the time between two flips; B(q) = first_open as
// published before the flip that starts period q)
//   I1. Writer w's shard is written only inside writer w's batches, by one
//       thread at a time, in the half of the phase its batch entered; the
//       reader reads and zeroes only the other half, only after flip()
//       returned it, before the next flip (phaser Guarantees 1 and 2).
//   I2. first_open only grows, and is published before the flip; end is
//       published as B(q) + H right after the flip that starts period q
//       returned, when no batch of the earlier periods is left. So every
//       range [first_open, end) a batch of period q sees lies inside
//       [B(q), B(q) + H).
//   I3. By I2, in one period each slot receives deltas of at most one pane:
//       the pane of [B(q), B(q) + H) congruent to the slot modulo H. The drain
//       after period q adds every slot to settled[slot], for that pane.
//   I4. settled[s] holds the drained counts of the one pane of
//       [first_open, first_open + H) in slot s (zero when none was drained).
//       A closing pane is handed out and its block zeroed in the same
//       close_panes_before() call that drained its last counts, before the
//       next drain can bring counts of the pane H later.
//   I5. Panes at or above (first_open before a close) + H were never in any
//       batch's range (I2), so they are empty when closed.
//
// Thread safety
//   Writer side: begin_batch()/record() from any threads, writer index w used
//   by one thread at a time (REQUIRES). Reader side (everything else): one
//   thread at a time, the window manager's.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "window/pane.h"
#include "window/writer_reader_phaser.h"

namespace driftd {

enum class RecordOutcome { recorded, late, beyond_horizon };

// What record() does with a piece for a closed pane.
enum class LatePieces { counted, refused };

// The panes one close_panes_before() call closed: [first, end). The first
// `with_counts` of them are in the caller's buffer, one block each, in order;
// the rest (I5) are empty.
struct ClosedPanes {
  PaneId first = 0;
  PaneId end = 0;
  std::int64_t with_counts = 0;
};

class WindowRecorder {
 public:
  // Opens panes [first_open_pane, first_open_pane + open_panes).
  // REQUIRES: counters, writers, open_panes > 0; all pane ids used stay
  // within +-2^62 (as those of pane.h's timestamps and of count windows do).
  WindowRecorder(std::size_t counters, std::size_t writers, std::size_t open_panes,
                 PaneId first_open_pane, LatePieces late_pieces = LatePieces::counted);

  WindowRecorder(const WindowRecorder&) = delete;
  WindowRecorder& operator=(const WindowRecorder&) = delete;

  std::size_t counters() const { return counters_; }
  std::size_t writers() const { return writers_; }
  std::size_t open_panes() const { return open_panes_; }

  // ---- Writer side ---------------------------------------------------------

  // One batch of one writer: enters the phaser on construction and leaves it
  // on destruction, so that all pieces of a batch (events of one batch may
  // fall in several panes) cost one enter/exit. Keep it short-lived: the
  // reader's rotation waits for batches in flight.
  class Batch {
   public:
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;
    ~Batch() { recorder_.phaser_.exit(phase_); }

    // Adds deltas into `pane`. REQUIRES: deltas.size() == counters().
    RecordOutcome record(PaneId pane, std::span<const std::uint64_t> deltas);

   private:
    friend class WindowRecorder;
    Batch(WindowRecorder& recorder, std::size_t writer);

    WindowRecorder& recorder_;
    const unsigned phase_;
    const PaneId first_open_;   // The open range this batch saw (I2).
    const PaneId end_;
    std::uint64_t* const half_;  // Writer's half of `phase_`: H pane slots + late slot.
  };

  // REQUIRES: writer < writers(); no other batch of `writer` in flight.
  Batch begin_batch(std::size_t writer) { return Batch(*this, writer); }

  // A batch of one piece.
  RecordOutcome record(std::size_t writer, PaneId pane, std::span<const std::uint64_t> deltas) {
    return begin_batch(writer).record(pane, deltas);
  }

  // ---- Reader side ---------------------------------------------------------

  PaneId first_open_pane() const { return first_open_; }

  // Closes every open pane below `first_open` and opens as many new panes;
  // waits (yielding) for the batches in flight. Writes the closed panes that
  // may hold counts into `out`, one block of counters() words per pane.
  // REQUIRES: first_open >= first_open_pane();
  //           out.size() >= min(first_open - first_open_pane(), H) * counters().
  ClosedPanes close_panes_before(PaneId first_open, std::span<std::uint64_t> out);

  // A rotation that closes nothing: afterwards settled_counts() is a
  // consistent snapshot of the open panes (Guarantee 3).
  void settle() { close_panes_before(first_open_, {}); }

  // The counts of an open pane as of the last rotation.
  // REQUIRES: first_open_pane() <= pane < first_open_pane() + open_panes().
  std::span<const std::uint64_t> settled_counts(PaneId pane) const;

  // Hands out the open panes' counts as of the last rotation, pane
  // first_open_pane() + i in block i of `out`, and zeroes them: later
  // rotations settle only what was recorded after that rotation. With
  // close_panes_before() just before, everything recorded since the
  // previous take, pane by pane (cluster mode's cut).
  // REQUIRES: out.size() >= open_panes() * counters().
  void take_settled_counts(std::span<std::uint64_t> out);

  // Everything recorded as late, as of the last rotation.
  std::span<const std::uint64_t> late_counts() const;

  // Adds `counts` to an open pane (restoring a checkpoint); writers may run.
  // REQUIRES: as settled_counts(); counts.size() == counters().
  void restore_counts(PaneId pane, std::span<const std::uint64_t> counts);

 private:
  std::size_t slot_of(PaneId pane) const;
  std::uint64_t* half(std::size_t writer, unsigned phase);
  void drain(unsigned phase);

  // Immutable after construction.
  const std::size_t counters_;
  const std::size_t writers_;
  const std::size_t open_panes_;    // H; also the index of the late slot.
  const LatePieces late_pieces_;
  const std::size_t half_words_;    // (H + 1) * counters_
  const std::size_t shard_words_;   // 2 * half_words_, rounded up to a cache line
  std::vector<std::uint64_t> storage_;  // Shards; see I1 for who touches what.
  std::uint64_t* const shards_;         // First cache-line boundary in storage_.

  WriterReaderPhaser phaser_;
  // The open range [first_open, end) writers read once per batch (I2).
  // Stored only by the reader, always inside close_panes_before().
  alignas(64) std::atomic<PaneId> published_first_open_;
  std::atomic<PaneId> published_end_;

  // Reader-owned: read and modified only by reader-side methods.
  alignas(64) PaneId first_open_;
  std::vector<std::uint64_t> settled_;  // (H + 1) blocks: panes by slot (I4), then late.
};

}  // namespace driftd
