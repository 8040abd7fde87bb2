// Helpers shared by the divergence tests: random distributions with a fixed
// seed, and a Catch2 matcher for "equal to rounding" that treats +inf as a
// value (inf matches only inf; NaN matches nothing).
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace driftd::testing {

// |actual - expected| <= relative |expected| + absolute, or both the same
// infinity.
class IsCloseTo : public Catch::MatcherBase<double> {
 public:
  IsCloseTo(double expected, double relative, double absolute = 0.0)
      : expected_(expected), relative_(relative), absolute_(absolute) {}

  bool match(const double& actual) const override;
  std::string describe() const override;

 private:
  double expected_;
  double relative_;
  double absolute_;
};

// A deterministic source of test distributions.
class RandomDistributions {
 public:
  explicit RandomDistributions(uint64_t seed) : engine_(seed) {}

  // Dirichlet(concentration, ..., concentration) over `bins` bins; a small
  // concentration gives spiky distributions with tiny probabilities.
  std::vector<double> dirichlet(std::size_t bins, double concentration = 1.0);

  // `total` draws from `probabilities`.
  std::vector<uint64_t> multinomial(uint64_t total, const std::vector<double>& probabilities);

  // Uniform integer in [low, high].
  uint64_t uniform(uint64_t low, uint64_t high);

 private:
  std::mt19937_64 engine_;
};

}  // namespace driftd::testing
