// WriteQueue: a job runs on the writer's connection in its own transaction
// and run() returns its result once committed; a job that throws is rolled
// back and its exception reaches the caller; after close() run() refuses
// at once and queued jobs are refused, never run; many threads queueing
// while the writer drains each get their job run exactly once, in their
// order (run under TSan).
#include "store/write_queue.h"

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

namespace driftd::store {
namespace {

std::filesystem::path fresh_db(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "driftd_write_queue_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::filesystem::remove(path);
  return path;
}

int64_t count_rows(Database& db) {
  Statement count = db.prepare("SELECT count(*) FROM t");
  count.step();
  return count.column_int(0);
}

// The writer: drains the queue until told to stop, then closes it.
class WriterThread {
 public:
  WriterThread(WriteQueue& queue, Database& db)
      : thread_([&queue, &db, this] {
          while (!stop_.load(std::memory_order_acquire)) {
            if (queue.run_queued(db) == 0) std::this_thread::yield();
          }
          queue.run_queued(db);
          queue.close();
        }) {}
  ~WriterThread() {
    stop_.store(true, std::memory_order_release);
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_CASE("A queued job commits and returns its result, a failing one rolls back") {
  Database db(fresh_db("jobs.db"), Database::Mode::kReadWrite);
  db.execute("CREATE TABLE t (v INTEGER)");
  WriteQueue queue;
  {
    WriterThread writer(queue, db);
    const int64_t id = queue.run([](Database& d) {
      d.execute("INSERT INTO t VALUES (7)");
      return d.last_insert_rowid();
    });
    CHECK(id == 1);
    CHECK_THROWS_WITH(queue.run([](Database& d) {
      d.execute("INSERT INTO t VALUES (8)");
      throw std::runtime_error("refused by the job");
    }),
                      "refused by the job");
    queue.run([](Database& d) { d.execute("INSERT INTO t VALUES (9)"); });
  }
  CHECK(count_rows(db) == 2);  // 7 and 9; 8 was rolled back
  Statement values = db.prepare("SELECT group_concat(v) FROM t");
  values.step();
  CHECK(values.column_text(0) == "7,9");
}

TEST_CASE("After close() jobs are refused, queued ones never run") {
  Database db(fresh_db("closed.db"), Database::Mode::kReadWrite);
  db.execute("CREATE TABLE t (v INTEGER)");
  std::atomic<int> wakes{0};
  WriteQueue queue([&wakes] { ++wakes; });
  std::atomic<bool> refused{false};
  std::thread waiting([&] {
    try {
      queue.run([](Database& d) { d.execute("INSERT INTO t VALUES (1)"); });
    } catch (const WriterClosed&) {
      refused = true;
    }
  });
  while (wakes == 0) std::this_thread::yield();  // queued (wake runs after)
  queue.close();
  waiting.join();
  CHECK(refused);
  CHECK_THROWS_AS(queue.run([](Database&) {}), WriterClosed);
  CHECK(queue.run_queued(db) == 0);
  CHECK(count_rows(db) == 0);
}

TEST_CASE("Many threads queue while the writer drains: each job once, in each thread's order") {
  Database db(fresh_db("race.db"), Database::Mode::kReadWrite);
  db.execute("CREATE TABLE t (thread INTEGER, seq INTEGER)");
  constexpr int kThreads = 4;
  constexpr int kJobs = 200;
  WriteQueue queue;
  {
    WriterThread writer(queue, db);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&queue, t] {
        for (int j = 0; j < kJobs; ++j) {
          queue.run([t, j](Database& d) {
            d.prepare("INSERT INTO t VALUES (?1, ?2)").bind(1, int64_t{t}).bind(2, int64_t{j}).run();
          });
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  CHECK(count_rows(db) == kThreads * kJobs);
  // Row ids follow execution order: per thread, seq rises with rowid.
  Statement out_of_order = db.prepare(
      "SELECT count(*) FROM t a JOIN t b ON a.thread = b.thread AND a.rowid < b.rowid "
      "AND a.seq > b.seq");
  out_of_order.step();
  CHECK(out_of_order.column_int(0) == 0);
}

}  // namespace
}  // namespace driftd::store
