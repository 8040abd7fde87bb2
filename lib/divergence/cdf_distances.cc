#include "divergence/cdf_distances.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace driftd {

double kolmogorov_survival(double lambda) {
  if (lambda <= 0) return 1.0;
  if (lambda < 1.18) {
    // The theta-function form of the CDF converges in a few terms here:
    // P(K <= lambda) = sqrt(2 pi) / lambda sum_{j >= 1} exp(-(2j - 1)^2 pi^2 / (8 lambda^2)).
    const double x = std::numbers::pi * std::numbers::pi / (8 * lambda * lambda);
    double cdf = 0;
    for (int j = 1; j <= 20; ++j) cdf += std::exp(-static_cast<double>((2 * j - 1) * (2 * j - 1)) * x);
    return std::clamp(1 - std::sqrt(2 * std::numbers::pi) / lambda * cdf, 0.0, 1.0);
  }
  double sum = 0;
  double sign = 1;
  for (int j = 1; j <= 100; ++j) {
    const double term = std::exp(-2.0 * j * j * lambda * lambda);
    sum += sign * term;
    if (term <= 1e-17 * sum) break;
    sign = -sign;
  }
  return std::clamp(2 * sum, 0.0, 1.0);
}

double grid_anchor(std::span<const double> edges, std::size_t cell) {
  if (cell > 0) return edges[cell - 1];
  return edges.empty() ? 0.0 : edges[0];
}

CdfDistances cdf_distances(std::span<const double> edges, const GridSide& reference,
                           const GridSide& current) {
  const std::size_t cells = edges.size() + 1;
  for (const GridSide* side : {&reference, &current}) {
    if (side->counts.size() != cells || side->offsets.size() != cells) {
      throw std::invalid_argument("cdf_distances: one count and one offset sum per cell");
    }
  }
  double n = 0, m = 0;
  for (std::size_t k = 0; k < cells; ++k) {
    n += static_cast<double>(reference.counts[k]);
    m += static_cast<double>(current.counts[k]);
  }
  if (n == 0 || m == 0) throw std::invalid_argument("cdf_distances: a side with no value");
  const double low = std::min(reference.range.min, current.range.min);
  const double high = std::max(reference.range.max, current.range.max);

  CdfDistances out{0, 0, 1, 0, 0};
  double ks_upper = 0;
  double below_ref = 0, below_cur = 0;  // counts below the cell's lower edge
  for (std::size_t k = 0; k < cells; ++k) {
    const double c_ref = static_cast<double>(reference.counts[k]);
    const double c_cur = static_cast<double>(current.counts[k]);
    const double p = c_ref / n, q = c_cur / m;
    const double gap = below_ref / n - below_cur / m;  // F_ref - F_cur at the lower edge
    below_ref += c_ref;
    below_cur += c_cur;
    out.ks = std::max({out.ks, std::abs(gap), std::abs(below_ref / n - below_cur / m)});
    ks_upper = std::max({ks_upper, gap + p, q - gap});

    // The cell's extent, clipped to where values are (the end cells end at
    // the smallest and largest value; a cell beyond them is empty).
    const double from = std::max(k == 0 ? low : edges[k - 1], low);
    const double to = std::min(k + 1 == cells ? high : edges[k], high);
    if (!(to > from)) continue;
    const double width = to - from;
    // Integral over [from, to] of F(x) - F(from): the sum over the cell's
    // values v of (to - v), over the side's size; to - v = (to - anchor) -
    // (v - anchor).
    const double to_anchor = to - grid_anchor(edges, k);
    const double rise_ref = (c_ref * to_anchor - reference.offsets[k]) / n;
    const double rise_cur = (c_cur * to_anchor - current.offsets[k]) / m;
    const double integral = gap * width + rise_ref - rise_cur;
    const double gap_min = gap - q, gap_max = gap + p;
    if (gap_min >= 0 || gap_max <= 0) {
      out.wasserstein += std::abs(integral);
      continue;
    }
    // It may cross zero: the exact value is in [|I|, upper]. The estimate
    // takes the CDFs as linear in the cell to say whether and where the gap
    // crosses (it seldom does in a fine grid).
    const double lower = std::abs(integral);
    const double upper = std::max(
        lower, std::min(2 * gap_max * width - integral, 2 * -gap_min * width + integral));
    const double gap_end = below_ref / n - below_cur / m;
    double estimate = lower;
    if ((gap < 0) != (gap_end < 0) && gap != gap_end) {
      const double a = std::abs(gap), b = std::abs(gap_end);
      estimate = std::clamp(width * (a * a + b * b) / (2 * (a + b)), lower, upper);
    }
    out.wasserstein += estimate;
    out.wasserstein_error_bound += std::max(estimate - lower, upper - estimate);
  }
  out.ks_error_bound = std::max(0.0, ks_upper - out.ks);
  const double en = std::sqrt(n * m / (n + m));
  out.ks_p_value = kolmogorov_survival((en + 0.12 + 0.11 / en) * out.ks);
  return out;
}

}  // namespace driftd
