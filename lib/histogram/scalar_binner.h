// The scalar reference for binning a batch: the definition the SIMD kernels
// of BatchBinner must reproduce exactly.
//
// The bin of x is std::upper_bound(edges, x) - edges.begin(), the number of
// edges <= x (see numeric_binning.h); NaN goes to the missing slot, index
// edges.size() + 1. BatchBinner runs this code when DRIFTD_SIMD=scalar; tests
// use it as the oracle for every SIMD target and benchmarks as a baseline.
// Production callers go through BatchBinner, which checks the span sizes.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <span>

namespace driftd {

// Adds one to counts[bin of x] for every x in values.
// REQUIRES: edges sorted; counts.size() == edges.size() + 2.
void scalar_count_bins(std::span<const double> edges, std::span<const double> values,
                       std::span<std::uint64_t> counts);

// bins_out[i] = bin of values[i].
// REQUIRES: edges sorted; bins_out.size() == values.size().
void scalar_assign_bins(std::span<const double> edges, std::span<const double> values,
                        std::span<std::uint32_t> bins_out);

}  // namespace driftd
