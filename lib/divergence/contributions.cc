#include "divergence/contributions.h"

#include <algorithm>

#include "divergence/divergence_reference.h"
#include "divergence/validation.h"

namespace driftd {

std::vector<BinContribution> kl_contributions(std::span<const double> p,
                                              std::span<const double> q) {
  const ProbabilityTotals totals = check_probabilities(p, q);
  std::vector<BinContribution> contributions;
  contributions.reserve(p.size());
  for (std::size_t bin = 0; bin < p.size(); ++bin) {
    const double p_bin = p[bin] / totals.p;
    const double q_bin = q[bin] / totals.q;
    contributions.push_back({bin, p_bin, q_bin, kl_term(p_bin, q_bin), q_bin - p_bin});
  }
  return contributions;
}

std::vector<BinContribution> top_kl_contributions(std::span<const double> p,
                                                  std::span<const double> q, std::size_t k) {
  std::vector<BinContribution> contributions = kl_contributions(p, q);
  const auto top_end = contributions.begin() +
                       static_cast<std::ptrdiff_t>(std::min(k, contributions.size()));
  std::partial_sort(contributions.begin(), top_end, contributions.end(),
                    [](const BinContribution& a, const BinContribution& b) {
                      if (a.contribution != b.contribution) return a.contribution > b.contribution;
                      return a.bin < b.bin;
                    });
  contributions.erase(top_end, contributions.end());
  return contributions;
}

}  // namespace driftd
