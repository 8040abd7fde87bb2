// The threads that run request handlers' reads of SQLite (the historical
// API), each with a read-only connection of its own, so that a heavy query
// never holds an I/O thread: a handler posts the query here and answers
// from the job (http::Responder may be used from any thread). WAL lets them
// read while the window manager writes.
//
// Guarantees:
//  - try_post() never blocks: it takes the job or refuses it. It takes a job
//    while fewer than threads + max_queued jobs are taken and unfinished, so
//    at most `threads` run and at most `max_queued` wait for a thread.
//  - Jobs start in the order they were taken.
//  - Time budget: the job's statements stop with SqliteInterrupted once it
//    has run for `time_budget` (Database::set_deadline()).
//  - A job that throws is dropped with what it captured (a Responder it
//    held answers 500); the thread goes on.
//  - The destructor drops the jobs that have not started (destroying what
//    they captured) and waits for the running ones.
//
// Thread safety: try_post() from any thread. Each connection is used only by
// its thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/sqlite.h"

namespace driftd::store {

class ReadPool {
 public:
  struct Options {
    std::size_t threads = 2;      // >= 1
    std::size_t max_queued = 64;  // jobs waiting for a thread; 0: none wait
    std::chrono::milliseconds time_budget{5000};  // > 0
  };
  using Job = std::function<void(Database&)>;

  // Opens one read-only connection per thread (throws SqliteError when the
  // database cannot be opened) and starts the threads.
  ReadPool(const std::filesystem::path& path, Options options);
  ~ReadPool();
  ReadPool(const ReadPool&) = delete;
  ReadPool& operator=(const ReadPool&) = delete;

  // Takes `job` to run on a read thread with that thread's connection.
  // False when the pool is full (the job is destroyed, not run).
  bool try_post(Job job);

  const Options& options() const { return options_; }

 private:
  void run(Database& db);

  const Options options_;
  std::vector<std::unique_ptr<Database>> connections_;  // one per thread; each its thread's
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;   // guarded by mutex_
  std::size_t running_ = 0;  // guarded by mutex_
  bool stopping_ = false;    // guarded by mutex_
  std::vector<std::thread> threads_;  // last: started once everything above exists
};

}  // namespace driftd::store
