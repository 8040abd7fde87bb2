// `driftctl backup --db FILE --to COPY`: a consistent copy of a driftd
// database (SQLite VACUUM INTO on a read-only connection), safe while the
// daemon writes; the copy is checked with PRAGMA integrity_check.
#pragma once

namespace driftd::cli {

int run_backup(int argc, const char* const* argv);

}  // namespace driftd::cli
