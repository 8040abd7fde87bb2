// `driftctl history`: one measure of one feature over time, from the
// database (--db) or the daemon (--url): a table with a bar per window for
// people, or the JSON of GET /v1/metrics with --format json.
#pragma once

namespace driftd::cli {

int run_history(int argc, const char* const* argv);

}  // namespace driftd::cli
