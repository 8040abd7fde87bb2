// Explaining a divergence: each bin's share of D_KL(P||Q).
//
// contribution_k = p_k ln(p_k / q_k) (0 where p_k = 0, +inf where p_k > 0 =
// q_k); the contributions sum to kl_pq of measures_from_probabilities(), to
// rounding. gradient_k = q_k - p_k is the direction in which P would have to
// move to approach Q. Bins are identified by index; callers attach labels
// ("[1.5, 2.25)" or a category).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace driftd {

struct BinContribution {
  std::size_t bin;
  double p;             // renormalised probability in P (current window)
  double q;             // renormalised probability in Q (reference)
  double contribution;  // p ln(p/q)
  double gradient;      // q - p
};

// One entry per bin, in bin order.
// REQUIRES (else InputError): as measures_from_probabilities() (divergence.h).
std::vector<BinContribution> kl_contributions(std::span<const double> p,
                                              std::span<const double> q);

// The min(k, bins) largest contributions, largest first; equal contributions
// in bin order.
// REQUIRES (else InputError): as kl_contributions().
std::vector<BinContribution> top_kl_contributions(std::span<const double> p,
                                                  std::span<const double> q, std::size_t k);

}  // namespace driftd
