#include "divergence/false_discovery.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

namespace driftd {
namespace {

// The equivalent formulation through adjusted p-values:
// adj_(i) = min over j >= i of m p_(j) / j; reject where adj <= q.
std::vector<bool> by_adjusted_p_values(const std::vector<double>& p, double q) {
  const std::size_t m = p.size();
  std::vector<std::size_t> order(m);
  for (std::size_t i = 0; i < m; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return p[a] < p[b]; });
  std::vector<double> adjusted(m);
  double running = 1.0;
  for (std::size_t k = m; k >= 1; --k) {
    running = std::min(running, p[order[k - 1]] * static_cast<double>(m) / static_cast<double>(k));
    adjusted[order[k - 1]] = running;
  }
  std::vector<bool> significant(m);
  for (std::size_t i = 0; i < m; ++i) significant[i] = adjusted[i] <= q;
  return significant;
}

TEST_CASE("Benjamini-Hochberg on worked examples") {
  CHECK(benjamini_hochberg(std::vector<double>{0.01, 0.04, 0.03, 0.005}, 0.05) ==
        std::vector<bool>{true, true, true, true});
  CHECK(benjamini_hochberg(std::vector<double>{0.01, 0.02, 0.03, 0.2}, 0.05) ==
        std::vector<bool>{true, true, true, false});
  // Step-up: p_(1) = 0.03 > q/m alone, but p_(2) = 0.04 <= 2q/2 rejects both.
  CHECK(benjamini_hochberg(std::vector<double>{0.04, 0.03}, 0.05) ==
        std::vector<bool>{true, true});
  CHECK(benjamini_hochberg(std::vector<double>{0.5, 0.9}, 0.05) ==
        std::vector<bool>{false, false});
  CHECK(benjamini_hochberg(std::vector<double>{}, 0.05).empty());
}

TEST_CASE("Benjamini-Hochberg agrees with the adjusted p-value formulation") {
  std::mt19937_64 engine(11);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<double> p(1 + trial % 40);
    for (double& value : p) value = std::pow(uniform(engine), 1 + trial % 5);
    for (double q : {0.01, 0.05, 0.2}) {
      CHECK(benjamini_hochberg(p, q) == by_adjusted_p_values(p, q));
    }
  }
}

}  // namespace
}  // namespace driftd
