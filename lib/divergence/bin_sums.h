// The per-bin sums every divergence measure is finished from: the contract
// between the SIMD kernels (divergence_kernels.h), the scalar reference
// (divergence_reference.h) and measures_from_bin_sums(), which finishes them.
//
// A kernel makes one pass over the bins of P and Q and returns a BinSums.
// Bins are given raw and normalised on the fly, p_k = (raw_p[k] + offset) /
// p_denominator (likewise q; the SIMD kernels multiply by the reciprocal,
// within an ulp), so a caller never allocates a probability array:
// probabilities use offset 0 and their sum, counts use the smoothing alpha and
// n + K alpha.
//
// Conventions of every sum: 0 ln(0/x) = 0; a term p ln(p/q) with p > 0 = q is
// +inf (and p ln q is -inf). No other infinity or NaN arises from valid input.
//
// Thread safety: plain values and a pure function.
#pragma once

#include "divergence/measures.h"

namespace driftd {

// How a kernel turns raw bin values into probabilities.
struct Normalisation {
  double offset;         // added to every raw value (the smoothing alpha, or 0)
  double p_denominator;  // sum over bins of (raw_p[k] + offset)
  double q_denominator;  // sum over bins of (raw_q[k] + offset)
};

// Raw (unsmoothed) sample sizes behind count bins, for the G-test.
// REQUIRES: n > 0 and m > 0.
struct RawTotals {
  double n;  // sum of the P counts
  double m;  // sum of the Q counts
};

// Sums over bins k of the normalised probabilities p_k, q_k, m_k = (p_k+q_k)/2.
struct BinSums {
  double p_log_p_over_q;           // sum p ln(p/q)
  double q_log_q_over_p;           // sum q ln(q/p)
  double p_log_p_over_m;           // sum p ln(p/m)
  double q_log_q_over_m;           // sum q ln(q/m)
  double abs_difference;           // sum |p - q|
  double root_difference_squared;  // sum (sqrt p - sqrt q)^2
  double p_log_p;                  // sum p ln p
  double q_log_q;                  // sum q ln q
  double p_log_q;                  // sum p ln q
  // Count kernels only (0 from probability kernels): half the G statistic,
  // sum over the 2 x K table of raw counts of O ln(O/E), E = row * column / N.
  double g_half;
};

// Every measure of docs/metrics.md from the sums of one kernel pass.
// Rounding guards, each stating a mathematical fact about the exact value:
// kl_pq, kl_qp and jsd are at least 0, jsd at most ln 2, hellinger in [0, 1].
// Hellinger is evaluated as sqrt(sum (sqrt p - sqrt q)^2 / 2), equal to
// sqrt(1 - sum sqrt(p q)) for normalised P and Q but free of the cancellation
// in 1 - sum sqrt(p q) (which turns a rounding residue of 1e-16 into 1e-8).
DivergenceMeasures measures_from_bin_sums(const BinSums& sums);

}  // namespace driftd
