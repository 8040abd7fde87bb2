// The recorder's fixed-point moment sums: each value rounds to the nearest
// multiple of 2^-16 standard deviations (ties to even), exactly as
// std::nearbyint does in the default rounding mode, clamped at kMaxZ; NaN and
// infinities are skipped; the sums give back mean and variance.
#include <algorithm>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "pipeline/fixed_point_moments.h"

namespace driftd {
namespace {

TEST_CASE("round_to_int64 rounds to nearest, ties to even, like nearbyint") {
  REQUIRE(std::fegetround() == FE_TONEAREST);
  for (const double y : {0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994,
                         -0.49999999999999994, 1e-300, 123456.5, -123456.5, 7.3, -7.7,
                         8796093022207.5, -8796093022207.5, 6.5536e12}) {
    CHECK(round_to_int64(y) == static_cast<int64_t>(std::nearbyint(y)));
  }
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> scale(-1.0, 1.0);
  for (int i = 0; i < 100000; ++i) {
    const double y = scale(random) * std::ldexp(1.0, static_cast<int>(random() % 44));
    REQUIRE(round_to_int64(y) == static_cast<int64_t>(std::nearbyint(y)));
  }
}

TEST_CASE("add_moments sums the rounded, clamped standard scores of the finite values") {
  const Standardisation standard{100.0, 15.0};
  std::mt19937_64 random(11);
  std::normal_distribution<double> normal(100.0, 15.0);
  std::vector<double> values;
  for (int i = 0; i < 10000; ++i) values.push_back(normal(random));
  values.push_back(std::numeric_limits<double>::quiet_NaN());
  values.push_back(std::numeric_limits<double>::infinity());
  values.push_back(1e12);   // clamped at +kMaxZ
  values.push_back(-1e12);  // clamped at -kMaxZ
  int64_t expected_z = 0;
  int64_t expected_z2 = 0;
  for (const double x : values) {
    if (!std::isfinite(x)) continue;
    const double z = std::clamp((x - standard.shift) * (1.0 / standard.scale), -kMaxZ, kMaxZ);
    expected_z += static_cast<int64_t>(std::nearbyint(z * kMomentResolution));
    expected_z2 += static_cast<int64_t>(std::nearbyint(z * z * kMomentResolution));
  }
  MomentSums sums;
  add_moments(values, standard, sums);
  CHECK(static_cast<int64_t>(sums.sum_z) == expected_z);
  CHECK(static_cast<int64_t>(sums.sum_z2) == expected_z2);

  values.resize(10000);
  MomentSums window;
  add_moments(values, standard, window);
  const MeanVariance moments = moments_from_sums(window, values.size(), standard);
  double mean = 0;
  for (const double x : values) mean += x;
  mean /= static_cast<double>(values.size());
  double variance = 0;
  for (const double x : values) variance += (x - mean) * (x - mean);
  variance /= static_cast<double>(values.size() - 1);
  CHECK(moments.mean == Approx(mean).margin(15.0 / 65536));
  CHECK(moments.variance == Approx(variance).epsilon(1e-4));
}

}  // namespace
}  // namespace driftd
