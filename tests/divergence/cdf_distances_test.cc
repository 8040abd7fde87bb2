// cdf_distances: KS and Wasserstein from grid tallies, against the exact
// statistics of the raw values (computed here by merging the sorted
// samples), on grids fine and coarse; Kolmogorov's distribution at known
// points. scipy agreement end to end: tests/cli/check_compare_bounded_memory.py.
#include "divergence/cdf_distances.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace driftd {
namespace {

struct Tally {
  std::vector<uint64_t> counts;
  std::vector<double> offsets;
  ValueRange range;
  GridSide side() const { return {counts, offsets, range}; }
};

Tally tally(const std::vector<double>& values, const std::vector<double>& edges) {
  Tally out{std::vector<uint64_t>(edges.size() + 1, 0), std::vector<double>(edges.size() + 1, 0.0),
            {*std::min_element(values.begin(), values.end()),
             *std::max_element(values.begin(), values.end())}};
  for (const double x : values) {
    const auto cell = static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), x) -
                                               edges.begin());
    ++out.counts[cell];
    out.offsets[cell] += x - grid_anchor(edges, cell);
  }
  return out;
}

// sup |F_a - F_b| and the integral of |F_a - F_b|, exactly, by a merge.
std::pair<double, double> exact(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<double> points = a;
  points.insert(points.end(), b.begin(), b.end());
  std::sort(points.begin(), points.end());
  double ks = 0, w = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double fa = static_cast<double>(std::upper_bound(a.begin(), a.end(), points[i]) - a.begin()) / static_cast<double>(a.size());
    const double fb = static_cast<double>(std::upper_bound(b.begin(), b.end(), points[i]) - b.begin()) / static_cast<double>(b.size());
    ks = std::max(ks, std::abs(fa - fb));
    if (i + 1 < points.size()) w += std::abs(fa - fb) * (points[i + 1] - points[i]);
  }
  return {ks, w};
}

std::vector<double> quantile_edges(std::vector<double> values, std::size_t cells) {
  std::sort(values.begin(), values.end());
  std::vector<double> edges;
  for (std::size_t k = 1; k < cells; ++k) edges.push_back(values[k * values.size() / cells]);
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

TEST_CASE("KS and Wasserstein from a grid bracket the exact values", "[cdf_distances]") {
  std::mt19937_64 random(17);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (const double shift : {0.0, 0.05, 0.5}) {
    for (const bool discrete : {false, true}) {
      std::vector<double> a(3000), b(2000);
      for (double& x : a) x = discrete ? std::round(3 * normal(random)) : normal(random);
      for (double& x : b) x = discrete ? std::round(3 * (normal(random) + shift)) : normal(random) * 1.2 + shift;
      const auto [ks, w] = exact(a, b);
      for (const std::size_t cells : {8, 64, 2048}) {
        INFO("shift " << shift << (discrete ? ", discrete" : "") << ", " << cells << " cells");
        const std::vector<double> edges = quantile_edges(a, cells);
        const CdfDistances d = cdf_distances(edges, tally(a, edges).side(), tally(b, edges).side());
        CHECK(d.ks <= ks + 1e-12);
        CHECK(ks <= d.ks + d.ks_error_bound + 1e-12);
        CHECK(std::abs(d.wasserstein - w) <= d.wasserstein_error_bound + 1e-9 * (1 + w));
        if (discrete) {
          // Every value on an edge or in one-valued cells: KS is exact, and
          // so is Wasserstein where no cell's gap can change sign.
          CHECK(d.ks == Approx(ks).margin(1e-12));
        }
        if (cells == 2048 && !discrete) {
          CHECK(d.ks_error_bound < 0.002);
          CHECK(std::abs(d.wasserstein - w) < 0.01 * w + 1e-3);
        }
      }
    }
  }
}

TEST_CASE("identical samples are at distance zero, a shifted one at the shift", "[cdf_distances]") {
  std::vector<double> a;
  for (int i = 0; i < 1000; ++i) a.push_back(static_cast<double>(i) * 0.5);
  const std::vector<double> edges = quantile_edges(a, 64);
  const CdfDistances same = cdf_distances(edges, tally(a, edges).side(), tally(a, edges).side());
  CHECK(same.ks == 0);
  CHECK(same.wasserstein == 0);
  CHECK(same.ks_p_value == 1);
  std::vector<double> b = a;
  for (double& x : b) x += 100;  // overlapping: F_a >= F_b everywhere
  const CdfDistances moved = cdf_distances(edges, tally(a, edges).side(), tally(b, edges).side());
  CHECK(moved.ks == Approx(0.2).margin(1e-12));
  CHECK(std::abs(moved.wasserstein - 100) <= moved.wasserstein_error_bound + 1e-9);
  for (double& x : b) x += 1000;  // apart
  const CdfDistances apart = cdf_distances(edges, tally(a, edges).side(), tally(b, edges).side());
  // Exactly 1, between a's largest value and b's smallest, both in the last
  // cell: the edges see 1 - 1/64 of it, the bound the rest.
  CHECK(apart.ks == Approx(0.984).margin(1e-12));
  CHECK(apart.ks + apart.ks_error_bound >= 1 - 1e-12);
  CHECK(apart.wasserstein == Approx(1100).epsilon(1e-12));
  CHECK(apart.ks_p_value <= 1e-100);
}

TEST_CASE("Kolmogorov's distribution at known points", "[cdf_distances]") {
  // scipy.special.kolmogorov(lambda), the survival function.
  CHECK(kolmogorov_survival(0.0) == 1);
  CHECK(kolmogorov_survival(0.5) == Approx(0.9639452436648751).epsilon(1e-12));
  CHECK(kolmogorov_survival(1.0) == Approx(0.26999967167735456).epsilon(1e-12));
  CHECK(kolmogorov_survival(1.18) == Approx(0.1234538094297657).epsilon(1e-12));
  CHECK(kolmogorov_survival(1.36) == Approx(0.049485876755377876).epsilon(1e-12));
  CHECK(kolmogorov_survival(2.0) == Approx(0.0006709252557796953).epsilon(1e-12));
  // The two forms meet at 1.18.
  CHECK(kolmogorov_survival(std::nextafter(1.18, 0.0)) == Approx(kolmogorov_survival(1.18)).epsilon(1e-12));
}

}  // namespace
}  // namespace driftd
