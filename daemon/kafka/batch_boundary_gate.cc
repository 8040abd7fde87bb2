#include "kafka/batch_boundary_gate.h"

namespace driftd::kafka {

void BatchBoundaryGate::start(std::size_t consumers) {
  std::lock_guard lock(mutex_);
  running_ += consumers;
}

void BatchBoundaryGate::at_boundary() {
  if (!hint_.load(std::memory_order_acquire)) return;
  std::unique_lock lock(mutex_);
  if (requests_ == 0) return;
  ++parked_;
  changed_.notify_all();
  const uint64_t parked_at = resumes_;
  // Released by the first resume() after this park, even when another pause
  // is already asked for: the consumer then runs one more batch first.
  // resume() takes it off parked_.
  changed_.wait(lock, [&] { return resumes_ != parked_at; });
}

void BatchBoundaryGate::finish() {
  {
    std::lock_guard lock(mutex_);
    --running_;
  }
  changed_.notify_all();
}

void BatchBoundaryGate::acquire(std::unique_lock<std::mutex>& lock) {
  ++requests_;
  hint_.store(true, std::memory_order_release);
  changed_.wait(lock, [this] { return !held_ && parked_ + pausing_ >= running_; });
  held_ = true;
}

void BatchBoundaryGate::pause_from_consumer() {
  std::unique_lock lock(mutex_);
  ++pausing_;
  changed_.notify_all();  // it stands still: a waiting pause may go on
  acquire(lock);
  held_by_consumer_ = true;
}

void BatchBoundaryGate::pause() {
  std::unique_lock lock(mutex_);
  acquire(lock);
  held_by_consumer_ = false;
}

void BatchBoundaryGate::resume() {
  {
    std::lock_guard lock(mutex_);
    held_ = false;
    if (held_by_consumer_) --pausing_;
    --requests_;
    hint_.store(requests_ > 0, std::memory_order_release);
    ++resumes_;
    parked_ = 0;  // all released: the next pause waits for their next boundary
  }
  changed_.notify_all();
}

}  // namespace driftd::kafka
