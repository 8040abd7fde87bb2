#include "alerts/worker_thread.h"

namespace driftd::alerts {

WorkerThread::WorkerThread(std::chrono::milliseconds idle_tick,
                           std::chrono::milliseconds retry_pause)
    : idle_tick_(idle_tick), retry_pause_(retry_pause) {}

WorkerThread::~WorkerThread() { stop(); }

void WorkerThread::start(std::function<Outcome()> step) {
  thread_ = std::thread([this, step = std::move(step)] { run(step); });
}

void WorkerThread::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

bool WorkerThread::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void WorkerThread::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WorkerThread::run(const std::function<Outcome()>& step) {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      woken_ = false;
    }
    const Outcome outcome = step();
    std::unique_lock lock(mutex_);
    if (outcome == Outcome::failed) {
      wake_.wait_for(lock, retry_pause_, [this] { return stopping_; });
    } else if (outcome == Outcome::idle) {
      wake_.wait_for(lock, idle_tick_, [this] { return woken_ || stopping_; });
    }
  }
}

}  // namespace driftd::alerts
