#include "test_support.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace driftd::testing {

bool IsCloseTo::match(const double& actual) const {
  if (std::isinf(expected_) || std::isinf(actual)) return actual == expected_;
  return std::abs(actual - expected_) <= relative_ * std::abs(expected_) + absolute_;
}

std::string IsCloseTo::describe() const {
  std::ostringstream text;
  text.precision(17);
  text << std::scientific;
  text << "is within " << relative_ << " relative + " << absolute_ << " absolute of "
       << expected_;
  return text.str();
}

std::vector<double> RandomDistributions::dirichlet(std::size_t bins, double concentration) {
  std::gamma_distribution<double> gamma(concentration);
  std::vector<double> probabilities(bins);
  double total = 0;
  while (total == 0) {  // a tiny concentration can underflow every draw
    total = 0;
    for (double& probability : probabilities) total += probability = gamma(engine_);
  }
  for (double& probability : probabilities) probability /= total;
  return probabilities;
}

std::vector<uint64_t> RandomDistributions::multinomial(uint64_t total,
                                                       const std::vector<double>& probabilities) {
  std::vector<uint64_t> counts(probabilities.size());
  double remaining_probability = 1.0;
  for (std::size_t k = 0; k + 1 < probabilities.size() && total > 0; ++k) {
    const double share = remaining_probability > 0
                             ? std::clamp(probabilities[k] / remaining_probability, 0.0, 1.0)
                             : 1.0;
    counts[k] = std::binomial_distribution<uint64_t>(total, share)(engine_);
    total -= counts[k];
    remaining_probability -= probabilities[k];
  }
  counts.back() += total;
  return counts;
}

uint64_t RandomDistributions::uniform(uint64_t low, uint64_t high) {
  return std::uniform_int_distribution<uint64_t>(low, high)(engine_);
}

}  // namespace driftd::testing
