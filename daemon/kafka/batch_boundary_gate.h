// The handshake that lets the window manager take a consistent cut of what
// a consumer thread has recorded: the manager asks for a pause, the consumer
// thread parks at its next batch boundary (everything it took so far is
// recorded, nothing more will be), the manager reads what it needs and lets
// it go.
//
// Invariants (all state guarded by one mutex):
// - parked is true only while the consumer thread waits in at_boundary(),
//   which it calls only between batches, and no resume() has released it
//   since it parked.
// - A resume() releases the parked consumer for at least one batch: a
//   pause() asked for at once waits for the next boundary, so a manager
//   that pauses again right away never starves the consumer.
// - running is false once the consumer thread has called finish(): it
//   records nothing more.
// - pause() returns only when parked or !running, and the consumer leaves
//   at_boundary() only after resume(). Between the two the manager has the
//   consumer's state to itself; the mutex hand-off orders the consumer's
//   writes before the manager's reads, and those before the consumer's next
//   writes.
// A relaxed-cost hint mirrors the request, so at_boundary() costs one atomic
// load per batch when no pause is asked for.
//
// Thread safety: start(), at_boundary() and finish() from the consumer
// thread (start() before it runs); pause() and resume() from one other
// thread, paired.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace driftd::kafka {

class BatchBoundaryGate {
 public:
  // ---- Consumer thread ----------------------------------------------------------
  void start();
  // Parks here while a pause is requested.
  void at_boundary();
  // The consumer thread is done: pause() no longer waits for it.
  void finish();

  // ---- Manager ------------------------------------------------------------------
  // Blocks until the consumer is parked at a batch boundary or finished.
  void pause();
  void resume();

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool requested_ = false;  // guarded by mutex_
  bool parked_ = false;     // guarded by mutex_
  bool running_ = false;    // guarded by mutex_
  uint64_t resumes_ = 0;    // guarded by mutex_: resume() calls so far
  std::atomic<bool> hint_{false};
};

}  // namespace driftd::kafka
