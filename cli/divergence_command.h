// `driftctl divergence`: every measure of metrics.md for two distributions
// given on the command line, as probabilities or (with --counts) raw counts.
#pragma once

namespace driftd::cli {

int run_divergence(int argc, const char* const* argv);

}  // namespace driftd::cli
