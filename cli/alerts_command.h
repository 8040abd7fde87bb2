// `driftctl alerts`: alert episodes, newest first, from the database (--db)
// or the daemon (--url); filters by stream, feature, severity, state and
// time; --all follows the pages to the end. A table for people, or the JSON
// of GET /v1/alerts with --format json.
#pragma once

namespace driftd::cli {

int run_alerts(int argc, const char* const* argv);

}  // namespace driftd::cli
