#include "store/write_queue.h"

namespace driftd::store {

void WriteQueue::set_wake(std::function<void()> wake) { wake_ = std::move(wake); }

void WriteQueue::enqueue(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      queue_.push_back(std::move(task));
      task = nullptr;
    }
  }
  if (task) {
    task(nullptr);  // refused: closed
    return;
  }
  if (wake_) wake_();
}

std::size_t WriteQueue::run_queued(Database& db) {
  std::deque<Task> tasks;
  {
    std::lock_guard lock(mutex_);
    tasks.swap(queue_);
  }
  for (Task& task : tasks) task(&db);
  return tasks.size();
}

void WriteQueue::close() {
  std::deque<Task> refused;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    refused.swap(queue_);
  }
  for (Task& task : refused) task(nullptr);
}

}  // namespace driftd::store
