// The background loop of the alert deliverers (webhook dispatcher, Kafka
// alert topic): one thread calling a step function over and over, sleeping
// between calls according to what the step reports, woken early by wake().
//
//   step() returns   next call
//   busy             at once (there is more to do)
//   idle             after idle_tick, or sooner on wake()
//   failed           after retry_pause (wake() does not shorten it)
//
// Guarantees: stop() (and the destructor) let the step in progress finish,
// then join; no step starts after stop() began. stopping() lets a long step
// end early.
//
// Thread safety: wake(), stopping() and stop() from any thread; start() once.
// The owner declares its WorkerThread last, so the thread is joined before
// the members the step uses are destroyed.
//
// Invariant: woken_ and stopping_ change only under mutex_, and the thread
// tests them under it before sleeping, so no wake() or stop() is missed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace driftd::alerts {

class WorkerThread {
 public:
  enum class Outcome { busy, idle, failed };

  WorkerThread(std::chrono::milliseconds idle_tick, std::chrono::milliseconds retry_pause);
  ~WorkerThread();  // stop()
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  // Starts the thread. REQUIRES: called once.
  void start(std::function<Outcome()> step);
  void wake();
  bool stopping() const;
  // Idempotent.
  void stop();

 private:
  void run(const std::function<Outcome()>& step);

  const std::chrono::milliseconds idle_tick_;
  const std::chrono::milliseconds retry_pause_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;     // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace driftd::alerts
