// Binnings and values that stress BatchBinner's search (radix_index.h),
// shared by the RadixIndex and BatchBinner tests.
//
// stress_binnings(): quantile bins of several shapes of data at 1 to 4,096
// bins (the search's root table alone), and explicit edges built to defeat
// it: edges a few ulps apart inside one bucket, far-apart clusters, clusters
// inside clusters, all edges equal, duplicated runs, subnormal and huge
// magnitudes, edges around -0.0/+0.0 (these need sub-levels and bisected
// leaves). probe_values(): every edge and its neighbours on both sides, the
// special doubles, random values over the edges' range, and random bit
// patterns (any double, NaN payloads included).
#pragma once

#include <cstddef>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "histogram/numeric_binning.h"

namespace driftd::testing {

struct StressBinning {
  std::string name;
  NumericBinning binning;
};

std::vector<StressBinning> stress_binnings();

// Shuffled; `random_values` of them drawn over (and beyond) the edges' range
// and as many random bit patterns.
std::vector<double> probe_values(std::span<const double> edges, std::mt19937_64& rng,
                                 std::size_t random_values = 2048);

}  // namespace driftd::testing
