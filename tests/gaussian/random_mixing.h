// Random invertible linear maps for the invariance tests of lib/gaussian:
// features in very different units, mixed, and always well conditioned.
#pragma once

#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

namespace driftd {

// diag(10^u) (I + 0.3 N / sqrt(d)), u uniform in [-3, 3], N standard normal;
// row-major d x d.
inline std::vector<double> random_mixing(std::mt19937_64& rng, std::size_t d) {
  std::normal_distribution<double> normal(0.0, 0.3 / std::sqrt(static_cast<double>(d)));
  std::uniform_real_distribution<double> exponent(-3.0, 3.0);
  std::vector<double> a(d * d);
  for (std::size_t i = 0; i < d; ++i) {
    const double scale = std::pow(10.0, exponent(rng));
    for (std::size_t j = 0; j < d; ++j) a[i * d + j] = scale * ((i == j ? 1.0 : 0.0) + normal(rng));
  }
  return a;
}

}  // namespace driftd
