#include "store/migrations.h"

#include <string>

namespace driftd::store {

int schema_version(Database& db) {
  Statement query = db.prepare("PRAGMA user_version");
  query.step();
  return static_cast<int>(query.column_int(0));
}

int apply_migrations(Database& db, std::span<const Migration> migrations) {
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  int version = schema_version(db);
  if (version > newest) {
    throw SqliteError(db.path().string() + ": database schema version " +
                          std::to_string(version) + " is newer than this driftd (" +
                          std::to_string(newest) + "); upgrade driftd",
                      0);
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= version) continue;
    Transaction transaction(db);
    try {
      db.execute(migration.sql);
    } catch (const SqliteError& error) {
      throw SqliteError("migration " + std::string(migration.name) + " failed: " + error.what(),
                        error.code());
    }
    db.execute("PRAGMA user_version = " + std::to_string(migration.version));
    transaction.commit();
    version = migration.version;
  }
  return version;
}

}  // namespace driftd::store
