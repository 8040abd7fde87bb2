// `driftctl compare`: compares every (or the chosen) column of a current CSV
// or NDJSON file with a reference file and reports each measure of
// metrics.md, the G-test, and the bins that drive kl_pq.
#pragma once

namespace driftd::cli {

int run_compare(int argc, const char* const* argv);

}  // namespace driftd::cli
