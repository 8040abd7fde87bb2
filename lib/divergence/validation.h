// Input checks shared by the entry points of the divergence module.
//
// Each check throws driftd::InputError with a message naming the offending
// argument or element, e.g. "p and q have different lengths (3 vs 4)",
// "q[2] is negative (-0.1)", "p sums to 0.9, not 1", "p counts are all zero".
// On success it returns the totals the computation needs next, so the input
// is read once for both.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace driftd {

struct ProbabilityTotals {
  double p;  // sum of p, within 1e-6 of 1
  double q;
};

// Accepts two distributions over the same non-zero number of bins, with
// finite, non-negative values each summing to 1 within 1e-6.
ProbabilityTotals check_probabilities(std::span<const double> p, std::span<const double> q);

struct CountTotals {
  uint64_t n;                  // sum of the P counts, > 0
  uint64_t m;                  // sum of the Q counts, > 0
  std::size_t occupied_bins;   // K': bins whose column total p[k] + q[k] is > 0
};

// Accepts two count vectors over the same non-zero number of bins, neither all
// zero, each summing to at most 2^64 - 1.
CountTotals check_counts(std::span<const uint64_t> p, std::span<const uint64_t> q);

// Accepts one non-empty count vector, not all zero, summing to at most
// 2^64 - 1; returns its sum.
uint64_t check_count_vector(std::span<const uint64_t> counts);

// Accepts a finite smoothing constant alpha >= 0.
void check_alpha(double alpha);

}  // namespace driftd
