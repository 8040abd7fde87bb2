#include "store/migrations.h"

#include <filesystem>

#include <catch2/catch.hpp>

namespace driftd::store {
namespace {

std::filesystem::path fresh_db(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "driftd_store_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::filesystem::remove(path);
  return path;
}

TEST_CASE("Bundled migrations are numbered from 1 without gaps") {
  const auto migrations = bundled_migrations();
  REQUIRE_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    CHECK(migrations[i].version == static_cast<int>(i + 1));
    CHECK_FALSE(migrations[i].sql.empty());
  }
}

TEST_CASE("Migrations bring a new database to the newest version and create the tables") {
  Database db(fresh_db("new.db"), Database::Mode::kReadWrite);
  const int version = apply_migrations(db, bundled_migrations());
  CHECK(version == bundled_migrations().back().version);
  CHECK(schema_version(db) == version);
  for (const char* table : {"streams", "reference_distributions", "window_metrics", "alerts",
                            "alert_events", "source_positions", "window_checkpoints"}) {
    INFO(table);
    Statement query = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type='table' AND name=?");
    query.bind(1, std::string_view(table));
    REQUIRE(query.step());
    CHECK(query.column_int(0) == 1);
  }
}

TEST_CASE("Applying migrations twice changes nothing") {
  const auto path = fresh_db("twice.db");
  Database db(path, Database::Mode::kReadWrite);
  const int first = apply_migrations(db, bundled_migrations());
  CHECK(apply_migrations(db, bundled_migrations()) == first);
}

TEST_CASE("Only migrations newer than user_version run") {
  Database db(fresh_db("partial.db"), Database::Mode::kReadWrite);
  const Migration steps[] = {{1, "0001_a.sql", "CREATE TABLE a (x INTEGER);"},
                             {2, "0002_b.sql", "CREATE TABLE b (y INTEGER);"}};
  CHECK(apply_migrations(db, std::span(steps, 1)) == 1);
  db.execute("INSERT INTO a VALUES (7)");
  CHECK(apply_migrations(db, steps) == 2);
  Statement query = db.prepare("SELECT x FROM a");
  REQUIRE(query.step());
  CHECK(query.column_int(0) == 7);
}

TEST_CASE("A failed migration is rolled back and keeps the old version") {
  Database db(fresh_db("failed.db"), Database::Mode::kReadWrite);
  const Migration steps[] = {{1, "0001_a.sql", "CREATE TABLE a (x INTEGER);"},
                             {2, "0002_bad.sql", "CREATE TABLE b (y INTEGER); NOT SQL;"}};
  CHECK_THROWS_WITH(apply_migrations(db, steps), Catch::Contains("migration 0002_bad.sql failed"));
  CHECK(schema_version(db) == 1);
  Statement query = db.prepare("SELECT count(*) FROM sqlite_schema WHERE name='b'");
  REQUIRE(query.step());
  CHECK(query.column_int(0) == 0);
}

TEST_CASE("A database newer than the binary is refused with a clear message") {
  Database db(fresh_db("newer.db"), Database::Mode::kReadWrite);
  db.execute("PRAGMA user_version = 999");
  CHECK_THROWS_WITH(apply_migrations(db, bundled_migrations()),
                    Catch::Contains("database schema version 999 is newer than this driftd"));
}

}  // namespace
}  // namespace driftd::store
