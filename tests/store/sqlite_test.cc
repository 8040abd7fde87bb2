#include "store/sqlite.h"

#include <cmath>
#include <filesystem>
#include <limits>

#include <catch2/catch.hpp>

namespace driftd::store {
namespace {

std::filesystem::path fresh_db(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "driftd_sqlite_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::filesystem::remove(path);
  return path;
}

TEST_CASE("Statements bind and read every type") {
  Database db(fresh_db("types.db"), Database::Mode::kReadWrite);
  db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n REAL)");
  const std::byte blob[] = {std::byte{0}, std::byte{255}, std::byte{7}};
  db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)")
      .bind(1, int64_t{-42})
      .bind(2, 2.5)
      .bind(3, std::string_view("h\0i", 3))
      .bind_blob(4, blob)
      .bind(5, std::numeric_limits<double>::infinity())
      .run();
  Statement query = db.prepare("SELECT i, r, s, b, n FROM t");
  REQUIRE(query.step());
  CHECK(query.column_int(0) == -42);
  CHECK(query.column_double(1) == 2.5);
  CHECK(query.column_text(2) == std::string("h\0i", 3));
  const auto read = query.column_blob(3);
  REQUIRE(read.size() == 3);
  CHECK(read[1] == std::byte{255});
  CHECK(query.is_null(4));  // infinity is stored as NULL
  CHECK_FALSE(query.step());
}

TEST_CASE("A transaction that is not committed is rolled back") {
  Database db(fresh_db("rollback.db"), Database::Mode::kReadWrite);
  db.execute("CREATE TABLE t (x INTEGER)");
  {
    Transaction transaction(db);
    db.execute("INSERT INTO t VALUES (1)");
  }
  {
    Transaction transaction(db);
    db.execute("INSERT INTO t VALUES (2)");
    transaction.commit();
  }
  Statement query = db.prepare("SELECT group_concat(x) FROM t");
  REQUIRE(query.step());
  CHECK(query.column_text(0) == "2");
}

TEST_CASE("A nested transaction commits into the outer one or rolls back only itself") {
  Database db(fresh_db("nested.db"), Database::Mode::kReadWrite);
  db.execute("CREATE TABLE t (x INTEGER)");
  const auto contents = [&] {
    Statement query = db.prepare("SELECT coalesce(group_concat(x), '') FROM t");
    REQUIRE(query.step());
    return query.column_text(0);
  };
  {
    Transaction outer(db);
    db.execute("INSERT INTO t VALUES (1)");
    {
      Transaction inner(db);
      db.execute("INSERT INTO t VALUES (2)");
    }  // rolled back: only 2 goes
    {
      Transaction inner(db);
      db.execute("INSERT INTO t VALUES (3)");
      inner.commit();
    }
    CHECK(contents() == "1,3");
  }  // the outer one is not committed: everything goes
  CHECK(contents() == "");
  {
    Transaction outer(db);
    {
      Transaction inner(db);
      db.execute("INSERT INTO t VALUES (4)");
      inner.commit();
    }
    outer.commit();
  }
  CHECK(contents() == "4");
}

TEST_CASE("SQL errors name the database and the problem") {
  const auto path = fresh_db("errors.db");
  Database db(path, Database::Mode::kReadWrite);
  CHECK_THROWS_WITH(db.execute("SELECT * FROM missing_table"),
                    Catch::Contains(path.string()) && Catch::Contains("no such table"));
  CHECK_THROWS_AS(db.prepare("NOT SQL"), SqliteError);
}

TEST_CASE("A read-only connection cannot write and a missing file cannot be opened read-only") {
  const auto path = fresh_db("ro.db");
  { Database(path, Database::Mode::kReadWrite).execute("CREATE TABLE t (x INTEGER)"); }
  Database reader(path, Database::Mode::kReadOnly);
  CHECK_THROWS_AS(reader.execute("INSERT INTO t VALUES (1)"), SqliteError);
  CHECK_THROWS_WITH(Database(fresh_db("absent.db"), Database::Mode::kReadOnly),
                    Catch::Contains("cannot open database"));
}

}  // namespace
}  // namespace driftd::store
