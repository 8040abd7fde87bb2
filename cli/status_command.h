// `driftctl status`: how driftd is doing. With --url: the daemon's
// readiness (ready, or degraded and why) and each stream's phase and
// counters; with --db: each stream's windows, last window and open alerts
// from the database (v_stream_health).
#pragma once

namespace driftd::cli {

int run_status(int argc, const char* const* argv);

}  // namespace driftd::cli
