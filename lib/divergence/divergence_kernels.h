// SIMD kernels for the per-bin sums of bin_sums.h, with Highway runtime
// dispatch: the best target the CPU supports is chosen on first call.
//
// These always run SIMD code; divergence.h decides between them and the
// scalar reference (divergence_reference.h) through simd_forced_scalar().
// Results agree with the reference to rounding (the lanes sum in a different
// order, and the kernels' logarithms, vector_log-inl.h, are within 2 ulp).
// Per vector of bins: 6 logarithms (ln p, ln q, ln(p/m), ln(q/m) and the
// G-test's two, each of a ratio without forming the quotient) and 6
// divisions, one per logarithm.
//
// Thread safety: pure functions; the one-time target choice is Highway's and
// is safe from any thread.
#pragma once

#include <cstdint>
#include <span>

#include "divergence/bin_sums.h"

namespace driftd {

// REQUIRES: p.size() == q.size() > 0; values finite and >= 0; the
// denominators are the sums of the raw values plus offset, and positive.
BinSums simd_probability_sums(std::span<const double> p, std::span<const double> q,
                              const Normalisation& normalisation);

// Also fills g_half from the raw counts.
// REQUIRES: p.size() == q.size() > 0; the denominators are n + K offset and
// m + K offset, totals.n and totals.m the sums of p and q, both > 0.
BinSums simd_count_sums(std::span<const uint64_t> p, std::span<const uint64_t> q,
                        const Normalisation& normalisation, const RawTotals& totals);

}  // namespace driftd
