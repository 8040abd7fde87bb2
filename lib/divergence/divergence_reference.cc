#include "divergence/divergence_reference.h"

#include <cmath>
#include <cstddef>

namespace driftd {
namespace {

// x ln x, with 0 ln 0 = 0.
double x_log_x(double x) { return x > 0 ? x * std::log(x) : 0.0; }

// Adds bin (p, q) of two normalised distributions to every sum but g_half.
void add_distribution_terms(double p, double q, BinSums& sums) {
  sums.p_log_p_over_q += kl_term(p, q);
  sums.q_log_q_over_p += kl_term(q, p);
  const double m = (p + q) / 2;
  sums.p_log_p_over_m += kl_term(p, m);
  sums.q_log_q_over_m += kl_term(q, m);
  sums.abs_difference += std::abs(p - q);
  const double root_difference = std::sqrt(p) - std::sqrt(q);
  sums.root_difference_squared += root_difference * root_difference;
  sums.p_log_p += x_log_x(p);
  sums.q_log_q += x_log_x(q);
  if (p > 0) sums.p_log_q += p * std::log(q);  // std::log(0) = -inf
}

}  // namespace

double kl_term(double p, double q) {
  if (p == 0) return 0.0;
  if (q == 0) return HUGE_VAL;
  const double ratio = p / q;
  // p/q overflows only for a subnormal q.
  return p * (std::isinf(ratio) ? std::log(p) - std::log(q) : std::log(ratio));
}

BinSums reference_probability_sums(std::span<const double> p, std::span<const double> q,
                                   const Normalisation& normalisation) {
  BinSums sums{};
  for (std::size_t k = 0; k < p.size(); ++k) {
    add_distribution_terms((p[k] + normalisation.offset) / normalisation.p_denominator,
                           (q[k] + normalisation.offset) / normalisation.q_denominator, sums);
  }
  return sums;
}

BinSums reference_count_sums(std::span<const uint64_t> p, std::span<const uint64_t> q,
                             const Normalisation& normalisation, const RawTotals& totals) {
  BinSums sums{};
  const double grand_total = totals.n + totals.m;
  for (std::size_t k = 0; k < p.size(); ++k) {
    const double p_count = static_cast<double>(p[k]);
    const double q_count = static_cast<double>(q[k]);
    add_distribution_terms((p_count + normalisation.offset) / normalisation.p_denominator,
                           (q_count + normalisation.offset) / normalisation.q_denominator, sums);
    // G-test cell terms O ln(O/E), E = row total * column total / N.
    const double column = p_count + q_count;
    if (p_count > 0) sums.g_half += p_count * std::log(p_count / (totals.n * column / grand_total));
    if (q_count > 0) sums.g_half += q_count * std::log(q_count / (totals.m * column / grand_total));
  }
  return sums;
}

}  // namespace driftd
