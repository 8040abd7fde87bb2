// `driftctl reference list|show --db FILE`: the reference distributions a
// driftd database holds, read through a read-only connection (safe while the
// daemon runs: WAL lets readers and the writer work at once).
#pragma once

namespace driftd::cli {

int run_reference(int argc, const char* const* argv);

}  // namespace driftd::cli
