#include "gaussian/gaussian_kl.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <vector>

#include "common/error.h"
#include "gaussian/moments.h"
#include "random_mixing.h"

namespace driftd {
namespace {

using Catch::Matchers::Contains;
using Matrix = std::vector<double>;  // row-major d x d

struct Gaussian {
  std::vector<double> mean;
  Matrix covariance;
  GaussianView view() const { return {mean, covariance}; }
};

Matrix multiply(const Matrix& a, const Matrix& b, std::size_t d) {
  Matrix product(d * d, 0.0);
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t k = 0; k < d; ++k) {
      for (std::size_t j = 0; j < d; ++j) product[i * d + j] += a[i * d + k] * b[k * d + j];
    }
  }
  return product;
}

Matrix transpose(const Matrix& a, std::size_t d) {
  Matrix result(d * d);
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t j = 0; j < d; ++j) result[j * d + i] = a[i * d + j];
  }
  return result;
}

// The image of g under x -> A x + b.
Gaussian affine_image(const Gaussian& g, const Matrix& a, const std::vector<double>& b) {
  const std::size_t d = g.mean.size();
  Gaussian image{b, multiply(multiply(a, g.covariance, d), transpose(a, d), d)};
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t j = 0; j < d; ++j) image.mean[i] += a[i * d + j] * g.mean[j];
  }
  return image;
}

Gaussian random_gaussian(std::mt19937_64& rng, std::size_t d) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> mean(d);
  for (double& m : mean) m = 2.0 * normal(rng);
  // A A^T / d + 0.1 I is positive definite.
  Matrix a(d * d);
  for (double& v : a) v = normal(rng);
  Matrix covariance = multiply(a, transpose(a, d), d);
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t j = 0; j < d; ++j) covariance[i * d + j] /= static_cast<double>(d);
    covariance[i * d + i] += 0.1;
  }
  return Gaussian{mean, covariance};
}

// Each part equal to `relative`, measured against the largest part (parts
// may cancel each other, so a part near zero is judged by the others' size).
void check_same_kl(const GaussianKl& actual, const GaussianKl& expected, double relative) {
  const double magnitude = std::max(
      {std::abs(expected.location), std::abs(expected.shape), std::abs(expected.scale)});
  const auto close_to = [&](double value) {
    return Approx(value).epsilon(relative).margin(relative * magnitude);
  };
  CHECK(actual.total == close_to(expected.total));
  CHECK(actual.location == close_to(expected.location));
  CHECK(actual.shape == close_to(expected.shape));
  CHECK(actual.scale == close_to(expected.scale));
}

TEST_CASE("univariate Gaussian KL has the closed form", "[gaussian_kl]") {
  struct Case {
    double mean_p, stddev_p, mean_q, stddev_q;
  };
  for (const Case& c : {Case{0, 1, 0, 1}, Case{1, 1, 0, 1}, Case{0, 2, 0, 1}, Case{0, 1, 0, 3},
                        Case{-3, 0.5, 4, 2.5}, Case{1e6, 1e-3, 1e6 + 1e-3, 2e-3},
                        Case{5, 40, -2, 0.1}}) {
    INFO("p = N(" << c.mean_p << ", " << c.stddev_p << "^2), q = N(" << c.mean_q << ", "
                  << c.stddev_q << "^2)");
    const std::vector<double> mean_p{c.mean_p}, variance_p{c.stddev_p * c.stddev_p};
    const std::vector<double> mean_q{c.mean_q}, variance_q{c.stddev_q * c.stddev_q};
    const GaussianKl kl = gaussian_kl({mean_p, variance_p}, {mean_q, variance_q});

    const double shift = c.mean_p - c.mean_q;
    const double closed_form = std::log(c.stddev_q / c.stddev_p) +
                               (variance_p[0] + shift * shift) / (2 * variance_q[0]) - 0.5;
    CHECK(kl.total == Approx(closed_form).epsilon(1e-13).margin(1e-15));
    CHECK(kl.location == Approx(shift * shift / (2 * variance_q[0])).epsilon(1e-13));
    CHECK(kl.shape ==
          Approx(0.5 * (variance_p[0] / variance_q[0] - 1)).epsilon(1e-13).margin(1e-15));
    CHECK(kl.scale == Approx(std::log(c.stddev_q / c.stddev_p)).epsilon(1e-13).margin(1e-15));
  }
}

TEST_CASE("Gaussian KL of identical inputs is zero in every part", "[gaussian_kl]") {
  std::mt19937_64 rng(1);
  for (std::size_t d = 1; d <= 10; ++d) {
    // In mixed units, so that standardization has work to do.
    const Gaussian g =
        affine_image(random_gaussian(rng, d), random_mixing(rng, d), std::vector<double>(d));
    const GaussianKl kl = gaussian_kl(g.view(), g.view());
    INFO("d = " << d);
    CHECK(kl.location == 0.0);
    CHECK(kl.scale == 0.0);
    CHECK(kl.shape == Approx(0.0).margin(1e-14));
    CHECK(kl.total == Approx(0.0).margin(1e-14));
  }
}

TEST_CASE("Gaussian KL is positive between different normals", "[gaussian_kl]") {
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t d = std::uniform_int_distribution<std::size_t>(1, 8)(rng);
    const Gaussian p = random_gaussian(rng, d);
    const Gaussian q = random_gaussian(rng, d);
    const GaussianKl kl = gaussian_kl(p.view(), q.view());
    INFO("trial " << trial << ", d = " << d);
    CHECK(kl.total > 0.0);
    CHECK(kl.location >= 0.0);
    CHECK(kl.total == Approx(kl.location + kl.shape + kl.scale).epsilon(1e-15));
  }
}

TEST_CASE("Gaussian KL is invariant under an affine map of both sides", "[gaussian_kl]") {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(0.0, 100.0);
  for (int trial = 0; trial < 100; ++trial) {
    const std::size_t d = std::uniform_int_distribution<std::size_t>(1, 6)(rng);
    const Gaussian p = random_gaussian(rng, d);
    const Gaussian q = random_gaussian(rng, d);
    const Matrix a = random_mixing(rng, d);
    std::vector<double> b(d);
    for (double& v : b) v = normal(rng);
    INFO("trial " << trial << ", d = " << d);
    check_same_kl(gaussian_kl(affine_image(p, a, b).view(), affine_image(q, a, b).view()),
                  gaussian_kl(p.view(), q.view()), 1e-9);
  }
}

TEST_CASE("each part answers for its own change", "[gaussian_kl]") {
  const std::vector<double> mean{1.0, -2.0, 0.5};
  const Matrix covariance{4.0, 1.0, 0.0, 1.0, 2.0, 0.3, 0.0, 0.3, 1.0};

  SECTION("a scaled covariance moves only shape and scale") {
    // S_p = c S_q: shape = d (c - 1) / 2, scale = -d ln(c) / 2.
    const double c = 2.5;
    Matrix scaled = covariance;
    for (double& v : scaled) v *= c;
    const GaussianKl kl = gaussian_kl({mean, scaled}, {mean, covariance});
    CHECK(kl.location == 0.0);
    CHECK(kl.shape == Approx(1.5 * (c - 1)).epsilon(1e-14));
    CHECK(kl.scale == Approx(-1.5 * std::log(c)).epsilon(1e-14));
  }
  SECTION("a moved mean moves only location") {
    // With a diagonal S_q the location is sum_i shift_i^2 / (2 S_q,ii).
    const Matrix diagonal{4.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 1.0};
    const std::vector<double> moved{3.0, -2.0, -0.5};
    const GaussianKl kl = gaussian_kl({moved, diagonal}, {mean, diagonal});
    CHECK(kl.location == Approx(0.5 * (4.0 / 4.0 + 0.0 / 2.0 + 1.0 / 1.0)).epsilon(1e-14));
    CHECK(kl.shape == Approx(0.0).margin(1e-15));
    CHECK(kl.scale == 0.0);
  }
}

TEST_CASE("Gaussian KL from accumulators is stable at large offsets", "[gaussian_kl]") {
  std::mt19937_64 rng(4);
  std::normal_distribution<double> normal(0.0, 1.0);
  UnivariateMoments current, reference, current_exact, reference_exact;
  for (int k = 0; k < 5000; ++k) {
    const double x = 1e9 + normal(rng);
    const double y = 1e9 + 0.3 + 1.2 * normal(rng);
    current.add(x);
    reference.add(y);
    current_exact.add(x - 1e9);  // exact: x is within a factor 2 of 1e9
    reference_exact.add(y - 1e9);
  }
  // The accumulators hold the same deviations from their first row, and the
  // KL takes the difference of the means without forming them (a mean near
  // 1e9 is rounded by up to 6e-8, which would move the location part, a
  // squared mean shift of 0.3 stddev, by up to about 1e-6 relative).
  check_same_kl(gaussian_kl(current, reference), gaussian_kl(current_exact, reference_exact),
                1e-12);
}

TEST_CASE("the covariance checks are relative to each feature's scale", "[gaussian_kl]") {
  const std::vector<double> mean{0.0, 0.0};
  SECTION("independent features of wildly different variances are fine") {
    const Matrix covariance{1e-20, 0.0, 0.0, 1e20};
    CHECK(gaussian_kl({mean, covariance}, {mean, covariance}).total == Approx(0.0).margin(1e-15));
  }
  SECTION("correlation 1 - 1e-9 is still usable") {
    const double r = 1 - 1e-9;
    const Matrix covariance{1e-8, r, r, 1e8};
    const Matrix wider{2e-8, r, r, 2e8};
    const GaussianKl kl = gaussian_kl({mean, wider}, {mean, covariance});
    CHECK(std::isfinite(kl.total));
    CHECK(kl.total > 0.0);
  }
  SECTION("correlation 1 - 1e-12 counts as singular, at any scale") {
    const double r = 1 - 1e-12;
    const Matrix covariance{1e-8, r, r, 1e8};
    CHECK_THROWS_WITH(gaussian_kl({mean, covariance}, {mean, covariance}),
                      "reference covariance is singular: feature 1 is a linear combination of "
                      "the others");
  }
}

TEST_CASE("the ridge adds ridge x the reference variances to both diagonals", "[gaussian_kl]") {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 50; ++trial) {
    const std::size_t d = std::uniform_int_distribution<std::size_t>(1, 6)(rng);
    const Gaussian p = affine_image(random_gaussian(rng, d), random_mixing(rng, d),
                                    std::vector<double>(d));
    const Gaussian q = affine_image(random_gaussian(rng, d), random_mixing(rng, d),
                                    std::vector<double>(d));
    const double ridge = std::uniform_real_distribution<double>(0.0, 2.0)(rng);
    Gaussian regularised_p = p, regularised_q = q;
    for (std::size_t i = 0; i < d; ++i) {
      regularised_p.covariance[i * d + i] += ridge * q.covariance[i * d + i];
      regularised_q.covariance[i * d + i] += ridge * q.covariance[i * d + i];
    }
    INFO("trial " << trial << ", d = " << d << ", ridge = " << ridge);
    check_same_kl(gaussian_kl(p.view(), q.view(), ridge),
                  gaussian_kl(regularised_p.view(), regularised_q.view()), 1e-13);
    const GaussianKl plain = gaussian_kl(p.view(), q.view());
    const GaussianKl zero_ridge = gaussian_kl(p.view(), q.view(), 0.0);
    CHECK(zero_ridge.location == plain.location);
    CHECK(zero_ridge.shape == plain.shape);
    CHECK(zero_ridge.scale == plain.scale);
  }
}

TEST_CASE("a ridge makes a dependent feature usable, not a constant one", "[gaussian_kl]") {
  // Feature 2 is the sum of features 0 and 1, on both sides.
  std::mt19937_64 rng(6);
  std::normal_distribution<double> normal(0.0, 1.0);
  MomentAccumulator current(3), reference(3);
  for (int k = 0; k < 500; ++k) {
    const double a = normal(rng), b = normal(rng), c = 0.2 + normal(rng), e = normal(rng);
    current.add(std::vector<double>{a, b, a + b});
    reference.add(std::vector<double>{c, e, c + e});
  }
  CHECK_THROWS_WITH(gaussian_kl(current, reference),
                    Contains("reference covariance is singular: feature") &&
                        Contains("is a linear combination of the others"));
  const GaussianKl kl = gaussian_kl(current, reference, 0.01);
  CHECK(std::isfinite(kl.total));
  CHECK(kl.total > 0.0);
  CHECK(kl.location > 0.0);

  // Zero variance in the reference: ridge x 0 adds nothing.
  const std::vector<double> mean{0.0, 0.0};
  const Matrix varying{1, 0, 0, 1};
  const Matrix constant{1, 0, 0, 0};
  CHECK_THROWS_WITH(gaussian_kl({mean, varying}, {mean, constant}, 0.5),
                    "reference covariance is singular: feature 1 has zero variance");
  // Zero variance in the window only: the ridge fills it in.
  CHECK(std::isfinite(gaussian_kl({mean, constant}, {mean, varying}, 0.5).total));
}

TEST_CASE("Gaussian KL errors name the side and the problem", "[gaussian_kl][errors]") {
  const std::vector<double> mean2{0.0, 0.0}, mean3{0.0, 0.0, 0.0};
  const Matrix identity2{1, 0, 0, 1};
  const Matrix identity3{1, 0, 0, 0, 1, 0, 0, 0, 1};
  const GaussianView good2{mean2, identity2};
  const GaussianView good3{mean3, identity3};
  const auto against_reference = [&](const Matrix& covariance) {
    return gaussian_kl(good3, {mean3, covariance});
  };

  SECTION("dimensions") {
    CHECK_THROWS_WITH(gaussian_kl(good2, good3),
                      "current and reference have different dimensions (2 vs 3)");
    CHECK_THROWS_WITH(gaussian_kl({{}, {}}, {{}, {}}), "current and reference have no features");
    CHECK_THROWS_WITH(gaussian_kl({mean2, identity3}, good2),
                      "current covariance has 9 entries; 2 features need 4");
    CHECK_THROWS_WITH(gaussian_kl(good3, {mean3, identity2}),
                      "reference covariance has 4 entries; 3 features need 9");
  }
  SECTION("non-finite numbers") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> bad_mean{0.0, nan};
    CHECK_THROWS_WITH(gaussian_kl({bad_mean, identity2}, good2),
                      "current mean contains a non-finite value");
    CHECK_THROWS_WITH(gaussian_kl(good2, {mean2, Matrix{1, 0, 0, inf}}),
                      "reference covariance contains a non-finite value");
  }
  SECTION("not symmetric") {
    CHECK_THROWS_WITH(against_reference(Matrix{1, 0.5, 0, 0.4, 1, 0, 0, 0, 1}),
                      "reference covariance is not symmetric: entries (1, 0) and (0, 1) differ");
  }
  SECTION("zero variance") {
    CHECK_THROWS_WITH(against_reference(Matrix{1, 0, 0, 0, 1, 0, 0, 0, 0}),
                      "reference covariance is singular: feature 2 has zero variance");
    CHECK_THROWS_WITH(gaussian_kl({mean2, Matrix{0, 0, 0, 1}}, good2),
                      "current covariance is singular: feature 0 has zero variance");
  }
  SECTION("a feature that is a linear combination of the others") {
    // Features 0 and 2 are the same variable in different units; 1 is apart.
    CHECK_THROWS_WITH(against_reference(Matrix{1, 0.2, 3, 0.2, 1, 0.6, 3, 0.6, 9}),
                      Contains("reference covariance is singular: feature") &&
                          Contains("is a linear combination of the others") &&
                          !Contains("feature 1"));
  }
  SECTION("not positive definite") {
    CHECK_THROWS_WITH(against_reference(Matrix{1, 0, 0, 0, -1, 0, 0, 0, 1}),
                      "reference covariance is not positive definite: feature 1 has negative "
                      "variance");
    // Each pair is possible on its own, the three together are not.
    CHECK_THROWS_WITH(gaussian_kl({mean3, Matrix{1, 0.9, 0.9, 0.9, 1, -0.9, 0.9, -0.9, 1}}, good3),
                      "current covariance is not positive definite");
  }
  SECTION("accumulators") {
    UnivariateMoments one_sample, two_samples;
    one_sample.add(1.0);
    two_samples.add(1.0);
    two_samples.add(2.0);
    CHECK_THROWS_WITH(
        gaussian_kl(one_sample, two_samples),
        "current has too few samples for a 1-feature covariance (1, need at least 2)");
    CHECK_THROWS_WITH(
        gaussian_kl(two_samples, UnivariateMoments{}),
        "reference has too few samples for a 1-feature covariance (0, need at least 2)");

    MomentAccumulator group(3), other_group(3), pair(2);
    for (const double v : {1.0, 2.0, 4.0}) {
      group.add(std::vector<double>{v, v * v, -v});
      pair.add(std::vector<double>{v, -v});
    }
    other_group.merge(group);
    other_group.add(std::vector<double>{0.0, 1.0, 5.0});
    CHECK_THROWS_WITH(
        gaussian_kl(other_group, group),
        "reference has too few samples for a 3-feature covariance (3, need at least 4)");
    CHECK_THROWS_WITH(gaussian_kl(pair, group),
                      "current and reference have different dimensions (2 vs 3)");

    UnivariateMoments constant;
    for (int k = 0; k < 10; ++k) constant.add(1e9);
    CHECK_THROWS_WITH(gaussian_kl(two_samples, constant),
                      "reference covariance is singular: feature 0 has zero variance");
  }
  SECTION("ridge") {
    CHECK_THROWS_WITH(gaussian_kl(good2, good2, -0.1), "ridge must be a finite number >= 0");
    CHECK_THROWS_WITH(gaussian_kl(good2, good2, std::numeric_limits<double>::quiet_NaN()),
                      "ridge must be a finite number >= 0");
    CHECK_THROWS_WITH(gaussian_kl(good2, good2, std::numeric_limits<double>::infinity()),
                      "ridge must be a finite number >= 0");
  }
  SECTION("every error is an InputError") {
    CHECK_THROWS_AS(gaussian_kl(good2, good3), InputError);
    CHECK_THROWS_AS(against_reference(Matrix{1, 0, 0, 0, 1, 0, 0, 0, 0}), InputError);
  }
}

}  // namespace
}  // namespace driftd
