// Schema migrations: the numbered SQL files of migrations/ (NNNN_name.sql),
// compiled into the binary, applied in order at start and tracked with
// PRAGMA user_version.
//
// Guarantees: each migration and its user_version bump commit together, so a
// crash leaves the database at a whole version; a database whose version is
// newer than the newest bundled migration is refused (an older binary must
// not write to a newer schema).
#pragma once

#include <span>
#include <string_view>

#include "store/sqlite.h"

namespace driftd::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// The migrations bundled at build time, in version order (1, 2, ...).
std::span<const Migration> bundled_migrations();

// Applies every migration newer than the database's user_version and returns
// the resulting version. Throws SqliteError (newer database, a failed
// migration: the failed one is rolled back).
int apply_migrations(Database& db, std::span<const Migration> migrations);

int schema_version(Database& db);

}  // namespace driftd::store
