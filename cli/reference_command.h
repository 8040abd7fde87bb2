// `driftctl reference list|show|import|promote`: list and show read the
// reference distributions a driftd database holds through a read-only
// connection (safe while the daemon runs: WAL lets readers and the writer
// work at once); import and promote store new versions
// (cli/reference_import_command.h, cli/reference_promote_command.h).
#pragma once

namespace driftd::cli {

int run_reference(int argc, const char* const* argv);

}  // namespace driftd::cli
