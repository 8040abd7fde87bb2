// Read-only SQLite connections for request handlers, opened on first need and
// reused: acquire() lends one (waiting while all `size` are lent), and the
// lease gives it back when it goes. WAL lets them read while the window
// manager writes.
//
// Thread safety: acquire() from any thread; a lease and its connection
// belong to the thread that holds it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sqlite.h"

namespace driftd::store {

class ReadPool {
 public:
  ReadPool(std::filesystem::path path, std::size_t size);

  class Lease {
   public:
    Lease(ReadPool& pool, std::unique_ptr<Database> db) : pool_(&pool), db_(std::move(db)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (db_ != nullptr) pool_->give_back(std::move(db_));
    }
    Database& operator*() { return *db_; }
    Database* operator->() { return db_.get(); }

   private:
    ReadPool* pool_;
    std::unique_ptr<Database> db_;
  };

  // Throws SqliteError when a new connection cannot be opened.
  Lease acquire();

 private:
  void give_back(std::unique_ptr<Database> db);

  const std::filesystem::path path_;
  const std::size_t size_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Database>> idle_;  // guarded by mutex_
  std::size_t open_ = 0;                         // guarded by mutex_
};

}  // namespace driftd::store
