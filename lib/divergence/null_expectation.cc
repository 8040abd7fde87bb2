#include "divergence/null_expectation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace driftd {
namespace {

// Gauss-Hermite rule for the standard normal (probabilists' form): nodes are
// sqrt(2) x the roots of the physicists' H_7, weights theirs / sqrt(pi).
constexpr std::array<double, 7> kHermiteNodes{
    -3.7504397177257425, -2.3667594107345415, -1.1544053947399682, 0.0,
    1.1544053947399682,  2.3667594107345415,  3.7504397177257425};
constexpr std::array<double, 7> kHermiteWeights{
    0.00054826885597221821, 0.030757123967586512, 0.24012317860501273, 0.45714285714285713,
    0.24012317860501273,    0.030757123967586512, 0.00054826885597221821};

// Widest exact support: mean +- about 8.6 sd plus the binomial's skew, for
// sd < kExactBelowSd; the 1e-16 cut ends it well before.
constexpr std::size_t kMaxPoints = 192;

// One side of one bin under no drift: smoothed probabilities, their logs
// (-inf for 0, which only alpha = 0 gives) and weights.
struct SideDistribution {
  std::array<double, kMaxPoints> value;
  std::array<double, kMaxPoints> log_value;
  std::array<double, kMaxPoints> weight;
  std::size_t size = 0;

  void add(double probability, double w) {
    value[size] = probability;
    log_value[size] = std::log(probability);
    weight[size] = w;
    ++size;
  }
  // x ln x of point i, 0 for x = 0.
  double x_log_x(std::size_t i) const { return value[i] > 0 ? value[i] * log_value[i] : 0.0; }
};

// The smoothed probability (count + alpha) / denominator of a Binomial(trials,
// pi) count, as a discrete distribution.
void side_of(double trials, double pi, double alpha, double denominator, SideDistribution& out) {
  out.size = 0;
  const double mean = trials * pi;
  const double sd = std::sqrt(trials * pi * (1 - pi));
  if (sd == 0) {  // pi is 0 or 1: the count is certain
    out.add((mean + alpha) / denominator, 1.0);
    return;
  }
  if (sd >= kExactBelowSd) {
    for (std::size_t i = 0; i < kHermiteNodes.size(); ++i) {
      out.add((mean + sd * kHermiteNodes[i] + alpha) / denominator, kHermiteWeights[i]);
    }
    return;
  }
  // Relative pmf from the mode outwards: pmf(c + 1) / pmf(c) = (trials - c) /
  // (c + 1) * pi / (1 - pi); normalised at the end.
  const double odds = pi / (1 - pi);
  const double mode = std::floor((trials + 1) * pi);
  constexpr double kCut = 1e-16;
  std::array<double, kMaxPoints> below{};  // pmf(mode - 1), pmf(mode - 2), ...
  std::size_t below_size = 0;
  for (double c = mode, w = 1; c > 0 && below_size < kMaxPoints / 2; --c) {
    w *= c / ((trials - c + 1) * odds);  // pmf(c - 1) / pmf(c)
    if (w < kCut) break;
    below[below_size++] = w;
  }
  for (std::size_t i = below_size; i > 0; --i) {
    out.add((mode - static_cast<double>(i) + alpha) / denominator, below[i - 1]);
  }
  out.add((mode + alpha) / denominator, 1.0);
  for (double c = mode, w = 1; c < trials && out.size < kMaxPoints; ++c) {
    w *= (trials - c) / (c + 1) * odds;  // pmf(c + 1) / pmf(c)
    if (w < kCut) break;
    out.add((c + 1 + alpha) / denominator, w);
  }
  double total = 0;
  for (std::size_t i = 0; i < out.size; ++i) total += out.weight[i];
  for (std::size_t i = 0; i < out.size; ++i) out.weight[i] /= total;
}

}  // namespace

NullExpectation null_expectation(std::span<const uint64_t> p, std::span<const uint64_t> q,
                                 double n, double m, double alpha) {
  const double bins = static_cast<double>(p.size());
  const double p_denominator = n + bins * alpha;
  const double q_denominator = m + bins * alpha;
  SideDistribution window;
  SideDistribution reference;
  double jsd = 0;
  double psi = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    const double pi = (static_cast<double>(p[k]) + static_cast<double>(q[k])) / (n + m);
    side_of(n, pi, alpha, p_denominator, window);
    side_of(m, pi, alpha, q_denominator, reference);
    for (std::size_t i = 0; i < window.size; ++i) {
      const double pv = window.value[i];
      const double p_log_p = window.x_log_x(i);
      double jsd_term = 0;
      double psi_term = 0;
      for (std::size_t j = 0; j < reference.size; ++j) {
        const double qv = reference.value[j];
        const double half_sum = 0.5 * (pv + qv);
        // jsd term: (p ln p + q ln q) / 2 - m ln m, m = (p + q) / 2.
        jsd_term += reference.weight[j] *
                    (0.5 * (p_log_p + reference.x_log_x(j)) -
                     (half_sum > 0 ? half_sum * std::log(half_sum) : 0.0));
        if (alpha > 0) {
          psi_term += reference.weight[j] * (pv - qv) * (window.log_value[i] - reference.log_value[j]);
        }
      }
      jsd += window.weight[i] * jsd_term;
      psi += window.weight[i] * psi_term;
    }
  }
  if (alpha == 0) psi = std::numeric_limits<double>::infinity();
  return {jsd, psi};
}

}  // namespace driftd
