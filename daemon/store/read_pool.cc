#include "store/read_pool.h"

#include <string>
#include <utility>

#include "common/thread_name.h"

namespace driftd::store {

ReadPool::ReadPool(const std::filesystem::path& path, Options options) : options_(options) {
  for (std::size_t i = 0; i < options_.threads; ++i) {
    connections_.push_back(std::make_unique<Database>(path, Database::Mode::kReadOnly));
  }
  for (const auto& db : connections_) {
    threads_.emplace_back([this, &db = *db, i = threads_.size()] {
      driftd::name_this_thread("history-read-" + std::to_string(i));
      run(db);
    });
  }
}

ReadPool::~ReadPool() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  dropped.clear();  // outside the lock: what the jobs captured may do work when destroyed
  for (std::thread& thread : threads_) thread.join();
}

bool ReadPool::try_post(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() + running_ >= options_.threads + options_.max_queued) {
      return false;
    }
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void ReadPool::run(Database& db) {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    db.set_deadline(std::chrono::steady_clock::now() + options_.time_budget);
    try {
      job(db);
    } catch (...) {
      // Dropped below with what it captured: a Responder among them answers 500.
    }
    db.set_deadline(std::nullopt);
    job = nullptr;  // before taking the lock: destroying captures may do work
    lock.lock();
    --running_;
  }
}

}  // namespace driftd::store
