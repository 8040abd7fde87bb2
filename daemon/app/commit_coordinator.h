// The decisions of the window manager's commit loop, per stream, apart from
// its thread, its clock and SQLite, so they can be tested with times a test
// chooses: when a checkpoint of the open windows is due, that one is owed
// after a failed commit, whether the stream is behind (what /readyz and
// /metrics report), and what becomes of the ingest answers held for
// durability (durable_acks.h).
//
// Rules, per stream, for each tick:
//   1. A checkpoint is due when the tick is the final one (drain); or
//      windows are waiting to be committed, references were captured, or
//      answers are held (they wait for the checkpoint that holds their
//      events); or one is owed; or checkpoint_interval has passed since the
//      last committed checkpoint (or since the start).
//   2. A checkpoint is owed from a failed commit until a commit that carries
//      a checkpoint succeeds. "Owed" is a state of its own, never a clock
//      value, so it does not depend on the host's uptime or clock.
//   3. A stream is behind exactly while a checkpoint is owed: from a failed
//      commit until a checkpoint is committed. A tick that commits nothing
//      (the stream could not be cut yet) leaves it behind.
//   4. Answers taken for a tick are durable when its commit carried the
//      checkpoint and succeeded; not durable when the commit failed; held
//      again (first in line for the next tick) otherwise.
//
// Thread safety: none; the window manager's thread owns it.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

namespace driftd {

class CommitCoordinator {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // `start`: the time the checkpoint interval is first counted from.
  CommitCoordinator(std::size_t streams, std::chrono::milliseconds checkpoint_interval,
                    TimePoint start);

  // What a stream has for this tick, besides time.
  struct Work {
    bool final = false;                // the drain's last tick
    bool windows_waiting = false;      // closed windows not committed yet
    bool references_captured = false;  // references not stored yet
    bool answers_held = false;         // ingest answers wait for durability
  };
  // Rule 1. REQUIRES: stream < streams.
  bool checkpoint_due(std::size_t stream, const Work& work, TimePoint now) const;

  enum class Outcome {
    kNothingToCommit,  // no window, reference or checkpoint to write
    kCommitted,        // COMMIT succeeded
    kFailed,           // the transaction failed and was rolled back
  };
  enum class AnswerFate { kDurable, kNotDurable, kHoldAgain };
  // Records how the tick's commit of `stream` ended; `with_checkpoint`: the
  // transaction carried a checkpoint. Returns rule 4's fate of the answers
  // taken for this tick. REQUIRES: stream < streams.
  AnswerFate finished(std::size_t stream, Outcome outcome, bool with_checkpoint, TimePoint now);

  // Rule 3.
  bool behind(std::size_t stream) const { return streams_[stream].checkpoint_owed; }
  std::size_t streams_behind() const;

 private:
  struct StreamState {
    TimePoint last_checkpoint;     // committed, or the start
    bool checkpoint_owed = false;  // rule 2
  };

  const std::chrono::milliseconds checkpoint_interval_;
  std::vector<StreamState> streams_;
};

}  // namespace driftd
