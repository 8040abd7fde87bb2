// Writes that other threads hand to the one SQLite writer. driftd has a
// single read-write connection, owned by the window manager's thread (see
// sqlite.h); the webhook dispatcher, the Kafka alert publisher and the
// subscription API do not open their own, they queue a job here and wait.
// The writer runs the queued jobs between its commits, each in its own
// transaction, so no two writers ever contend for SQLite's write lock and a
// webhook write cannot hold up the commit a durable 202 waits for.
//
// Guarantees:
//   1. run(job) returns once the job's transaction has committed, with the
//      job's result; if the job or COMMIT threw, the transaction was rolled
//      back and run() rethrows that exception.
//   2. Jobs run in the order they were queued, one at a time, on the
//      writer's thread.
//   3. After close(), run() throws WriterClosed at once, and jobs still
//      queued are answered with WriterClosed (never run).
//
// Thread safety: run() and close() from any thread except the writer's
// (run() there would wait for itself); run_queued() from the writer only.
// Invariant: queue_ and closed_ change only under mutex_; a job leaves the
// queue exactly once, to run or to be refused.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "store/sqlite.h"

namespace driftd::store {

class WriterClosed : public std::runtime_error {
 public:
  WriterClosed() : std::runtime_error("the database writer has stopped") {}
};

class WriteQueue {
 public:
  // `wake` is called (on the submitting thread) after each job is queued,
  // so the writer runs it soon.
  explicit WriteQueue(std::function<void()> wake = {}) : wake_(std::move(wake)) {}
  void set_wake(std::function<void()> wake);

  // Guarantee 1. `job` is called as job(Database&) inside a Transaction.
  template <class Job>
  auto run(Job job) -> std::invoke_result_t<Job&, Database&> {
    using Result = std::invoke_result_t<Job&, Database&>;
    using Stored = std::conditional_t<std::is_void_v<Result>, bool, Result>;
    auto done = std::make_shared<Completion<Stored>>();
    enqueue([job = std::move(job), done](Database* db) mutable {
      std::optional<Stored> value;
      std::exception_ptr error;
      if (db == nullptr) {
        error = std::make_exception_ptr(WriterClosed());
      } else {
        try {
          Transaction transaction(*db);
          if constexpr (std::is_void_v<Result>) {
            job(*db);
            value = true;
          } else {
            value = job(*db);
          }
          transaction.commit();
        } catch (...) {
          value.reset();
          error = std::current_exception();
        }
      }
      done->finish(std::move(value), std::move(error));
    });
    if constexpr (std::is_void_v<Result>) {
      done->wait();
    } else {
      return done->wait();
    }
  }

  // Writer thread: runs every job queued so far (Guarantee 2); returns how
  // many ran.
  std::size_t run_queued(Database& db);
  // Guarantee 3. Idempotent.
  void close();

 private:
  // Called with the writer's connection, or nullptr when refused.
  using Task = std::function<void(Database*)>;

  // A job's outcome, handed from the writer to the waiting caller under a
  // mutex (not a std::promise): the caller takes the result and the
  // exception out before the writer can drop its reference, so the
  // exception object is only ever touched by one thread at a time.
  template <class Stored>
  class Completion {
   public:
    void finish(std::optional<Stored> value, std::exception_ptr error) {
      {
        std::lock_guard lock(mutex_);
        value_ = std::move(value);
        error_ = std::move(error);
        finished_ = true;
      }
      finished_signal_.notify_one();
    }
    // Waits for finish(); rethrows the job's exception.
    Stored wait() {
      std::unique_lock lock(mutex_);
      finished_signal_.wait(lock, [this] { return finished_; });
      if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
      return std::move(*value_);
    }

   private:
    std::mutex mutex_;
    std::condition_variable finished_signal_;
    bool finished_ = false;        // guarded by mutex_
    std::optional<Stored> value_;  // guarded by mutex_
    std::exception_ptr error_;     // guarded by mutex_
  };
  void enqueue(Task task);

  std::mutex mutex_;
  std::deque<Task> queue_;  // guarded by mutex_
  bool closed_ = false;     // guarded by mutex_
  std::function<void()> wake_;  // set before the first run()
};

}  // namespace driftd::store
