// `driftctl reference import --config DRIFTD.json --stream NAME --file DATA`:
// builds a new reference for every feature of the stream from the CSV or
// NDJSON file's column of the same name, binned as the config says (the same
// code as driftd's `"reference": {"type": "file"}`), and stores them as the
// new active versions in the database (the config's storage.path, or --db).
// Safe while driftd runs (WAL; the write waits for the daemon's write lock).
#pragma once

namespace driftd::cli {

// argv[0] is "import".
int run_reference_import(int argc, const char* const* argv);

}  // namespace driftd::cli
