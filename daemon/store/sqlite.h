// A thin RAII layer over the SQLite C API: a connection, prepared statements
// and a transaction guard. Every failure throws SqliteError with SQLite's
// message and the statement or file it concerns.
//
// Thread safety: a Database and its Statements belong to one thread at a
// time (driftd gives the writer connection to one thread and opens separate
// read-only connections for readers; WAL lets them run concurrently).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace driftd::store {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(const std::string& message, int code) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// A statement stopped because its connection's deadline passed
// (Database::set_deadline()).
class SqliteInterrupted : public SqliteError {
 public:
  using SqliteError::SqliteError;
};

class Statement;

class Database {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  // Opens (creating when read-write) the database file. Sets a busy timeout
  // so concurrent readers and the writer wait instead of failing.
  Database(const std::filesystem::path& path, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements with no parameters and no results.
  void execute(std::string_view sql);
  Statement prepare(std::string_view sql);
  int64_t last_insert_rowid() const;
  int changes() const;
  // Statements that are still running once `deadline` has passed stop with
  // SqliteInterrupted (SQLite's progress handler, checked every 1000 virtual
  // machine steps); std::nullopt lifts the deadline.
  void set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline);
  sqlite3* handle() { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  friend class Statement;
  [[noreturn]] void fail(int code, std::string_view context) const;

  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  std::chrono::steady_clock::time_point deadline_;  // read by the progress handler
};

// A prepared statement. bind_*() take 1-based parameter indices; step()
// returns true while a row is available; reset() makes it reusable.
class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;

  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);  // NaN or inf bind as NULL
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::span<const std::byte> blob);
  Statement& bind_null(int index);
  Statement& bind(int index, std::optional<double> value);

  bool step();
  void run();  // step() that expects no row
  void reset();

  bool is_null(int column) const;
  int column_count() const;
  int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  std::span<const std::byte> column_blob(int column) const;

 private:
  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit()
// was called. IMMEDIATE takes the write lock up front, so a transaction
// never fails half-way with SQLITE_BUSY on its first write.
// Nested inside another Transaction on the same connection it becomes a
// SAVEPOINT: commit() releases it into the outer transaction, destruction
// without commit() rolls back only what it did. So units that each write in
// a Transaction compose into one atomic commit.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool nested_;
  bool done_ = false;
};

}  // namespace driftd::store
