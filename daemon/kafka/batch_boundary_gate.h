// The handshake that gives one thread at a time the consumer threads' state
// while all of them stand still between batches: the window manager, to take
// a consistent cut of what they recorded; a consumer thread, to apply a
// rebalance. The pauser asks for a pause, each consumer thread parks at its
// next batch boundary (everything it took so far is recorded, nothing more
// will be), the pauser reads or changes what it needs and lets them go.
//
// Invariants (all state guarded by one mutex):
// - parked counts the consumer threads waiting in at_boundary() that no
//   resume() has released since they parked. A consumer thread calls
//   at_boundary() only between batches.
// - pausing counts the consumer threads inside pause_from_consumer() or
//   holding the gate through it: they are between batches too, so they
//   count as standing still.
// - held is true from a pause's return to its resume(): one holder at a
//   time. A pause returns only when !held and parked + pausing >= running
//   (every consumer thread that has not finished stands still), and the
//   consumer threads leave at_boundary() only after resume(). Between the
//   two the holder has their state to itself; the mutex hand-offs order
//   their writes before the holder's reads, and those before their next
//   writes.
// - A resume() releases the parked consumers for at least one batch: a
//   pause asked for meanwhile waits for their next boundary, so a pauser
//   that pauses again right away never starves them.
// - running counts the consumer threads started and not finished(): one
//   that finished records nothing more and is not waited for.
// A relaxed-cost hint mirrors "a pause is asked for", so at_boundary() costs
// one atomic load per batch when none is.
//
// Thread safety: start() before the consumer threads run; at_boundary(),
// finish() and pause_from_consumer() from consumer threads; pause() from
// any other thread; resume() from the thread whose pause holds the gate.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace driftd::kafka {

class BatchBoundaryGate {
 public:
  // ---- Consumer threads -----------------------------------------------------
  // `consumers` consumer threads are about to run.
  void start(std::size_t consumers);
  // Parks here while a pause is asked for.
  void at_boundary();
  // This consumer thread is done: pauses no longer wait for it.
  void finish();
  // From a consumer thread between two of its batches (a librdkafka
  // callback): blocks until the others are parked and the gate is free.
  void pause_from_consumer();

  // ---- Other threads ----------------------------------------------------------
  // Blocks until every running consumer thread is parked at a batch
  // boundary and the gate is free.
  void pause();
  // Ends the pause that holds the gate.
  void resume();

 private:
  void acquire(std::unique_lock<std::mutex>& lock);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t running_ = 0;   // guarded by mutex_
  std::size_t parked_ = 0;    // guarded by mutex_
  std::size_t pausing_ = 0;   // guarded by mutex_
  std::size_t requests_ = 0;  // guarded by mutex_: pauses asked for and not resumed
  bool held_ = false;         // guarded by mutex_
  bool held_by_consumer_ = false;  // guarded by mutex_
  uint64_t resumes_ = 0;      // guarded by mutex_: resume() calls so far
  std::atomic<bool> hint_{false};
};

}  // namespace driftd::kafka
