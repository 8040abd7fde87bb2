// Scalar reference for the per-bin sums of bin_sums.h: std::log and obvious
// loops written straight from the definitions in docs/metrics.md.
//
// Used instead of the SIMD kernels when DRIFTD_SIMD=scalar, and by the tests
// as the yardstick every SIMD target is compared with. Same signatures and
// REQUIRES as divergence_kernels.h.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>

#include "divergence/bin_sums.h"

namespace driftd {

BinSums reference_probability_sums(std::span<const double> p, std::span<const double> q,
                                   const Normalisation& normalisation);

BinSums reference_count_sums(std::span<const uint64_t> p, std::span<const uint64_t> q,
                             const Normalisation& normalisation, const RawTotals& totals);

// One bin's share of D_KL(P||Q): p ln(p/q), 0 if p = 0, +inf if p > 0 = q.
// REQUIRES: p >= 0, q >= 0.
double kl_term(double p, double q);

}  // namespace driftd
