#include "divergence/null_expectation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace driftd {
namespace {

// Widest exact support: mean +- about 8.6 sd plus the binomial's skew, for
// sd < kExactBelowSd; the 1e-16 cut ends it well before.
constexpr std::size_t kMaxPoints = 128;

// One side of one bin under no drift, on the scale of smoothed
// probabilities: exact points (value, its log, weight) for a small count,
// else the mean and central moments 2 to 4 of a large one.
struct Side {
  bool exact = true;
  std::array<double, kMaxPoints> value;
  std::array<double, kMaxPoints> log_value;  // -inf for 0, which only alpha = 0 gives
  std::array<double, kMaxPoints> weight;
  std::size_t size = 0;
  double mean = 0, m2 = 0, m3 = 0, m4 = 0;

  void add(double probability, double w) {
    value[size] = probability;
    log_value[size] = std::log(probability);
    weight[size] = w;
    ++size;
  }
};

// The side of a Binomial(trials, pi) count: exact points or moments, as
// `exact` says (see null_expectation()).
void side_of(double trials, double pi, double alpha, double denominator, bool exact, Side& out) {
  out.size = 0;
  const double mean = trials * pi;
  const double variance = trials * pi * (1 - pi);
  const double sd = std::sqrt(variance);
  out.exact = exact || sd == 0;
  if (sd == 0) {  // pi is 0 or 1: the count is certain
    out.add((mean + alpha) / denominator, 1.0);
    return;
  }
  if (!out.exact) {
    // Binomial central moments, divided by denominator^k.
    const double d = denominator;
    out.mean = (mean + alpha) / d;
    out.m2 = variance / (d * d);
    out.m3 = variance * (1 - 2 * pi) / (d * d * d);
    out.m4 = (3 * variance * variance + variance * (1 - 6 * pi * (1 - pi))) / (d * d * d * d);
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

// The expected jsd and psi terms of one bin.
struct Terms {
  double jsd = 0;
  double psi = 0;

  Terms& operator+=(const Terms& other) {
    jsd += other.jsd;
    psi += other.psi;
    return *this;
  }
  Terms operator*(double w) const { return {jsd * w, psi * w}; }
};

// Both terms at the point (x, y), from their logs; psi is skipped without
// smoothing (x or y may then be 0, and psi is infinite anyway).
//   jsd: (x ln x + y ln y) / 2 - s ln s, s = (x + y) / 2
//   psi: (x - y) (ln x - ln y)
Terms terms_at(double x, double log_x, double y, double log_y, bool with_psi) {
  const double s = 0.5 * (x + y);
  const double jsd = 0.5 * ((x > 0 ? x * log_x : 0.0) + (y > 0 ? y * log_y : 0.0)) -
                     (s > 0 ? s * std::log(s) : 0.0);
  return {jsd, with_psi ? (x - y) * (log_x - log_y) : 0.0};
}

// Both terms at (x, y) when they are close, without logarithms: with
// s = (x + y) / 2 and d = (x - y) / (x + y),
//   jsd = s/2 [(1 + d) ln(1 + d) + (1 - d) ln(1 - d)] = s/2 sum_j d^2j / (j (2j - 1))
//   psi = (x - y) ln((1 + d) / (1 - d))           = (x - y) 2 sum_j d^(2j-1) / (2j - 1)
// Both sides large means both means are within a few percent of the pooled
// share (smoothing moves them by alpha / count), so |d| < kSeriesBelow and
// the terms kept leave an error under d^12, far below double rounding of the
// sums they join.
constexpr double kSeriesBelow = 0.05;

Terms terms_near(double x, double y) {
  const double s = 0.5 * (x + y);
  const double d = (x - y) / (x + y);
  const double d2 = d * d;
  const double jsd = 0.5 * s * d2 *
                     (1 + d2 * (1.0 / 6 + d2 * (1.0 / 15 + d2 * (1.0 / 28 + d2 * (1.0 / 45)))));
  const double psi =
      (x - y) * 2 * d * (1 + d2 * (1.0 / 3 + d2 * (1.0 / 5 + d2 * (1.0 / 7 + d2 * (1.0 / 9)))));
  return {jsd, psi};
}

// The terms' derivatives 2 to 4 in x at (x, y), and of jsd the mixed
// derivative d4/dx2dy2 (psi's is 0). Both terms are symmetric in (x, y), so
// this serves either side. REQUIRES: x > 0.
struct Derivatives {
  Terms d2, d3, d4;
  double jsd_mixed;
};

Derivatives derivatives_at(double x, double y) {
  // Two divisions; every power below is a product of their results.
  const double rx = 1 / x;
  const double rs = 2 / (x + y);  // 1 / s, s = (x + y) / 2
  const double rx2 = rx * rx;
  const double rs2 = rs * rs;
  const double rx3 = rx2 * rx;
  const double rs3 = rs2 * rs;
  return {{0.5 * rx - 0.25 * rs, rx + y * rx2},
          {-0.5 * rx2 + 0.125 * rs2, -rx2 - 2 * y * rx3},
          {rx3 - 0.0625 * rs3, 2 * rx3 + 6 * y * rx3 * rx},
          -0.125 * rs3};
}

// The expansion's correction from derivatives d in a large side x (its moments).
Terms expansion(const Derivatives& d, const Side& x) {
  return {d.d2.jsd * x.m2 / 2 + d.d3.jsd * x.m3 / 6 + d.d4.jsd * x.m4 / 24,
          d.d2.psi * x.m2 / 2 + d.d3.psi * x.m3 / 6 + d.d4.psi * x.m4 / 24};
}

// The correction for a large side x with the other side at y.
Terms correction(const Side& x, double y) { return expansion(derivatives_at(x.mean, y), x); }

// E[terms(P, Q)] for independent sides P (window) and Q (reference).
Terms expectation(const Side& p, const Side& q, bool with_psi) {
  Terms sum;
  if (p.exact && q.exact) {
    for (std::size_t i = 0; i < p.size; ++i) {
      Terms inner;
      for (std::size_t j = 0; j < q.size; ++j) {
        inner += terms_at(p.value[i], p.log_value[i], q.value[j], q.log_value[j], with_psi) *
                 q.weight[j];
      }
      sum += inner * p.weight[i];
    }
    return sum;
  }
  if (p.exact || q.exact) {
    const Side& points = p.exact ? p : q;
    const Side& large = p.exact ? q : p;
    const double log_mean = std::log(large.mean);
    for (std::size_t i = 0; i < points.size; ++i) {
      Terms at = terms_at(large.mean, log_mean, points.value[i], points.log_value[i], with_psi);
      at += correction(large, points.value[i]);
      sum += at * points.weight[i];
    }
    return sum;
  }
  // Both large: the expansion in P at Q's mean, Q's own terms and the mixed
  // fourth-order term (odd mixed moments vanish by independence).
  if (std::abs(p.mean - q.mean) < kSeriesBelow * (p.mean + q.mean)) {
    sum = terms_near(p.mean, q.mean);
    if (!with_psi) sum.psi = 0;
  } else {
    sum = terms_at(p.mean, std::log(p.mean), q.mean, std::log(q.mean), with_psi);
  }
  sum += correction(p, q.mean);
  const Derivatives in_q = derivatives_at(q.mean, p.mean);
  sum += expansion(in_q, q);
  sum.jsd += in_q.jsd_mixed * p.m2 * q.m2 / 4;  // symmetric in (p, q)
  return sum;
}

}  // namespace

NullExpectation null_expectation(std::span<const uint64_t> p, std::span<const uint64_t> q,
                                 double n, double m, double alpha) {
  const double bins = static_cast<double>(p.size());
  const double p_denominator = n + bins * alpha;
  const double q_denominator = m + bins * alpha;
  Side window;
  Side reference;
  Terms sum;
  for (std::size_t k = 0; k < p.size(); ++k) {
    const double pi = (static_cast<double>(p[k]) + static_cast<double>(q[k])) / (n + m);
    const double window_sd = std::sqrt(n * pi * (1 - pi));
    const double reference_sd = std::sqrt(m * pi * (1 - pi));
    bool window_exact = window_sd < kExactBelowSd;
    bool reference_exact = reference_sd < kExactBelowSd;
    if (window_exact && reference_exact && std::max(window_sd, reference_sd) >= kPairExpandFromSd) {
      (window_sd >= reference_sd ? window_exact : reference_exact) = false;
    }
    side_of(n, pi, alpha, p_denominator, window_exact, window);
    side_of(m, pi, alpha, q_denominator, reference_exact, reference);
    sum += expectation(window, reference, alpha > 0);
  }
  return {sum.jsd, alpha > 0 ? sum.psi : std::numeric_limits<double>::infinity()};
}

}  // namespace driftd
