#include "kafka/batch_boundary_gate.h"

namespace driftd::kafka {

void BatchBoundaryGate::start() {
  std::lock_guard lock(mutex_);
  running_ = true;
}

void BatchBoundaryGate::at_boundary() {
  if (!hint_.load(std::memory_order_acquire)) return;
  std::unique_lock lock(mutex_);
  if (!requested_) return;
  parked_ = true;
  changed_.notify_all();
  const uint64_t parked_at = resumes_;
  // Released by the resume() after this park, even when the next pause is
  // already requested: the consumer then runs one more batch first.
  changed_.wait(lock, [&] { return !requested_ || resumes_ != parked_at; });
  parked_ = false;
}

void BatchBoundaryGate::finish() {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
  }
  changed_.notify_all();
}

void BatchBoundaryGate::pause() {
  std::unique_lock lock(mutex_);
  requested_ = true;
  hint_.store(true, std::memory_order_release);
  changed_.wait(lock, [this] { return parked_ || !running_; });
}

void BatchBoundaryGate::resume() {
  {
    std::lock_guard lock(mutex_);
    requested_ = false;
    hint_.store(false, std::memory_order_release);
    ++resumes_;
    parked_ = false;  // released: the next pause() waits for the next boundary
  }
  changed_.notify_all();
}

}  // namespace driftd::kafka
