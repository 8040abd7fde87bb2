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

#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
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
    auto promise = std::make_shared<std::promise<Result>>();
    std::future<Result> done = promise->get_future();
    enqueue([job = std::move(job), promise](Database* db) mutable {
      if (db == nullptr) {
        promise->set_exception(std::make_exception_ptr(WriterClosed()));
        return;
      }
      try {
        Transaction transaction(*db);
        if constexpr (std::is_void_v<Result>) {
          job(*db);
          transaction.commit();
          promise->set_value();
        } else {
          Result result = job(*db);
          transaction.commit();
          promise->set_value(std::move(result));
        }
      } catch (...) {
        promise->set_exception(std::current_exception());
      }
    });
    return done.get();
  }

  // Writer thread: runs every job queued so far (Guarantee 2); returns how
  // many ran.
  std::size_t run_queued(Database& db);
  // Guarantee 3. Idempotent.
  void close();

 private:
  // Called with the writer's connection, or nullptr when refused.
  using Task = std::function<void(Database*)>;
  void enqueue(Task task);

  std::mutex mutex_;
  std::deque<Task> queue_;  // guarded by mutex_
  bool closed_ = false;     // guarded by mutex_
  std::function<void()> wake_;  // set before the first run()
};

}  // namespace driftd::store
