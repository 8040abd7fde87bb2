// Identities and bounds of docs/metrics.md over a few hundred random
// distributions (fixed seeds), each checked against a value the test computes
// its own way.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>
#include <vector>

#include "common/error.h"
#include "divergence/divergence.h"
#include "test_support.h"

namespace driftd {
namespace {

using testing::IsCloseTo;
using testing::RandomDistributions;

constexpr int kRandomPairs = 300;

// Spiky, flat and in-between shapes over 1 to 200 bins.
std::size_t random_bins(RandomDistributions& random) { return random.uniform(1, 200); }
double random_concentration(RandomDistributions& random) {
  constexpr double kConcentrations[] = {0.2, 1.0, 10.0};
  return kConcentrations[random.uniform(0, 2)];
}

// -sum x ln x of a distribution.
double entropy(const std::vector<double>& x) {
  double sum = 0;
  for (const double value : x) {
    if (value > 0) sum -= value * std::log(value);
  }
  return sum;
}

std::vector<double> empirical(const std::vector<uint64_t>& counts) {
  const double total =
      static_cast<double>(std::accumulate(counts.begin(), counts.end(), uint64_t{0}));
  std::vector<double> distribution;
  for (const uint64_t count : counts) distribution.push_back(static_cast<double>(count) / total);
  return distribution;
}

TEST_CASE("identities and bounds hold for random distributions", "[property]") {
  RandomDistributions random(20240611);
  for (int pair = 0; pair < kRandomPairs; ++pair) {
    const std::size_t bins = random_bins(random);
    const double concentration = random_concentration(random);
    const std::vector<double> p = random.dirichlet(bins, concentration);
    const std::vector<double> q = random.dirichlet(bins, concentration);
    INFO("pair " << pair << ", " << bins << " bins, concentration " << concentration);
    const DivergenceMeasures measures = measures_from_probabilities(p, q);

    // Gibbs: >= 0, and > 0 for P != Q.
    CHECK((bins == 1 ? measures.kl_pq == 0 : measures.kl_pq > 0));
    CHECK((bins == 1 ? measures.kl_qp == 0 : measures.kl_qp > 0));

    // H(P, Q) = H(P) + KL(P||Q), with both entropies computed here.
    CHECK_THAT(measures.entropy_p, IsCloseTo(entropy(p), 1e-12, 1e-15));
    CHECK_THAT(measures.entropy_q, IsCloseTo(entropy(q), 1e-12, 1e-15));
    CHECK_THAT(measures.cross_entropy_pq,
               IsCloseTo(entropy(p) + measures.kl_pq, 1e-12, 1e-14));

    // PSI = sum (p - q) ln(p/q) = kl_pq + kl_qp.
    double psi = 0;
    for (std::size_t k = 0; k < bins; ++k) {
      if (p[k] > 0 && q[k] > 0) psi += (p[k] - q[k]) * std::log(p[k] / q[k]);
      if ((p[k] > 0) != (q[k] > 0)) psi = HUGE_VAL;
    }
    CHECK_THAT(measures.psi, IsCloseTo(psi, 1e-12, 1e-15));

    // Pinsker, and total variation from its definition.
    double absolute_difference = 0;
    for (std::size_t k = 0; k < bins; ++k) absolute_difference += std::abs(p[k] - q[k]);
    CHECK_THAT(measures.tv, IsCloseTo(absolute_difference / 2, 1e-12, 1e-15));
    CHECK(measures.tv <= measures.pinsker_bound);

    // Jensen-Shannon: in [0, ln 2], the distance is its square root, and it
    // is the entropy of the mixture minus the mean entropy.
    CHECK(measures.jsd >= 0);
    CHECK(measures.jsd <= std::numbers::ln2);
    CHECK_THAT(measures.js_distance * measures.js_distance, IsCloseTo(measures.jsd, 1e-14));
    std::vector<double> mixture(bins);
    for (std::size_t k = 0; k < bins; ++k) mixture[k] = (p[k] + q[k]) / 2;
    CHECK_THAT(measures.jsd,
               IsCloseTo(entropy(mixture) - (entropy(p) + entropy(q)) / 2, 1e-10, 1e-14));

    // Hellinger: in [0, 1] and the metrics.md form sqrt(1 - sum sqrt(p q)).
    double bhattacharyya = 0;
    for (std::size_t k = 0; k < bins; ++k) bhattacharyya += std::sqrt(p[k] * q[k]);
    CHECK(measures.hellinger >= 0);
    CHECK(measures.hellinger <= 1);
    CHECK_THAT(measures.hellinger * measures.hellinger, IsCloseTo(1 - bhattacharyya, 0, 1e-13));
  }
}

TEST_CASE("the G statistic is 2 (n + m) times the weighted Jensen-Shannon divergence",
          "[property]") {
  RandomDistributions random(17);
  for (int pair = 0; pair < kRandomPairs; ++pair) {
    const std::size_t bins = random_bins(random);
    const std::vector<double> shape = random.dirichlet(bins, random_concentration(random));
    const bool same_shape = pair % 2 == 0;
    const std::vector<uint64_t> p_counts = random.multinomial(
        random.uniform(1, 20000), same_shape ? shape : random.dirichlet(bins, 1.0));
    const std::vector<uint64_t> q_counts = random.multinomial(random.uniform(1, 20000), shape);
    const double alpha = pair % 3 * 0.5;
    INFO("pair " << pair << ", " << bins << " bins, alpha " << alpha);
    const CountComparison comparison = compare_counts(p_counts, q_counts, alpha);

    const double n = static_cast<double>(comparison.n_p);
    const double m = static_cast<double>(comparison.n_q);
    const double w = n / (n + m);
    const std::vector<double> p = empirical(p_counts);
    const std::vector<double> q = empirical(q_counts);
    std::vector<double> mixture(bins);
    for (std::size_t k = 0; k < bins; ++k) mixture[k] = w * p[k] + (1 - w) * q[k];
    const double weighted_jsd = entropy(mixture) - w * entropy(p) - (1 - w) * entropy(q);
    const Significance& significance = comparison.significance;
    CHECK_THAT(significance.g_statistic, IsCloseTo(2 * (n + m) * weighted_jsd, 1e-9, 1e-9));

    int occupied = 0;
    for (std::size_t k = 0; k < bins; ++k) occupied += p_counts[k] + q_counts[k] > 0 ? 1 : 0;
    CHECK(significance.dof == occupied - 1);
    CHECK(significance.p_value >= 0);
    CHECK(significance.p_value <= 1);
    const double bias = (occupied - 1) / 2.0 * (1 / n + 1 / m);
    CHECK_THAT(significance.kl_pq_corrected,
               IsCloseTo(std::max(0.0, comparison.measures.kl_pq - bias), 1e-15, 1e-15));
  }
}

TEST_CASE("identical distributions give 0 everywhere and p-value 1", "[property]") {
  RandomDistributions random(5);
  for (int pair = 0; pair < kRandomPairs; ++pair) {
    const std::size_t bins = random_bins(random);
    const std::vector<double> shape = random.dirichlet(bins, random_concentration(random));
    const std::vector<uint64_t> counts = random.multinomial(random.uniform(1, 100000), shape);
    INFO("pair " << pair << ", " << bins << " bins");
    const DivergenceMeasures from_probabilities = measures_from_probabilities(shape, shape);
    const CountComparison comparison = compare_counts(counts, counts, 0.5);
    for (const DivergenceMeasures* measures : {&from_probabilities, &comparison.measures}) {
      CHECK(measures->kl_pq == 0);
      CHECK(measures->kl_qp == 0);
      CHECK(measures->jsd == 0);
      CHECK(measures->js_distance == 0);
      CHECK(measures->tv == 0);
      CHECK(measures->pinsker_bound == 0);
      CHECK(measures->hellinger == 0);
      CHECK(measures->psi == 0);
      CHECK(measures->cross_entropy_pq == measures->entropy_p);
    }
    CHECK(comparison.significance.g_statistic == 0);
    CHECK(comparison.significance.p_value == 1);
    CHECK(comparison.significance.kl_pq_corrected == 0);
  }
}

TEST_CASE("the batch API equals one call per feature, measure_counts_batch its first part",
          "[property]") {
  RandomDistributions random(23);
  std::vector<std::vector<uint64_t>> p_counts, q_counts;
  for (int feature = 0; feature < kRandomPairs; ++feature) {
    const std::size_t bins = random_bins(random);  // ragged
    p_counts.push_back(random.multinomial(random.uniform(1, 5000), random.dirichlet(bins, 0.5)));
    q_counts.push_back(random.multinomial(random.uniform(1, 5000), random.dirichlet(bins, 0.5)));
  }
  std::vector<FeatureCounts> features;
  for (std::size_t i = 0; i < p_counts.size(); ++i) features.push_back({p_counts[i], q_counts[i]});

  for (const double alpha : {0.0, 0.5}) {
    std::vector<CountComparison> batch(features.size());
    compare_counts_batch(features, alpha, batch);
    for (std::size_t i = 0; i < features.size(); ++i) {
      INFO("feature " << i << ", alpha " << alpha);
      const CountComparison single = compare_counts(p_counts[i], q_counts[i], alpha);
      for (const auto& field : kMeasureFields) {
        INFO(field.key);
        CHECK(batch[i].measures.*field.member == single.measures.*field.member);
      }
      std::apply(
          [&](const auto&... field) {
            CHECK(((batch[i].significance.*field.member == single.significance.*field.member) &&
                   ...));
          },
          kSignificanceFields);
      CHECK(batch[i].n_p == single.n_p);
      CHECK(batch[i].n_q == single.n_q);
    }

    // The kernels' part alone: the same measures and plain G-test, the
    // sample-size-aware values left 0.
    for (const SumsKernel kernel : {SumsKernel::kSimd, SumsKernel::kScalarReference}) {
      std::vector<CountComparison> full(features.size());
      std::vector<CountComparison> measured(features.size());
      compare_counts_batch(features, alpha, full, kernel);
      measure_counts_batch(features, alpha, measured, kernel);
      for (std::size_t i = 0; i < features.size(); ++i) {
        INFO("feature " << i << ", alpha " << alpha);
        for (const auto& field : kMeasureFields) {
          INFO(field.key);
          CHECK(measured[i].measures.*field.member == full[i].measures.*field.member);
        }
        const Significance& expected = full[i].significance;
        const Significance& got = measured[i].significance;
        CHECK(got.g_statistic == expected.g_statistic);
        CHECK(got.dof == expected.dof);
        CHECK(got.p_value == expected.p_value);
        CHECK(got.kl_pq_corrected == expected.kl_pq_corrected);
        CHECK(got.dof_pooled == 0);
        CHECK(got.p_value_calibrated == 0);
        CHECK(got.p_value_rank == 0);
        CHECK(got.jsd_corrected == 0);
        CHECK(got.psi_corrected == 0);
        CHECK(measured[i].n_p == full[i].n_p);
        CHECK(measured[i].n_q == full[i].n_q);
      }
    }
  }
  std::vector<CountComparison> too_few(1);
  CHECK_THROWS_AS(measure_counts_batch(features, 0.5, too_few, SumsKernel::kSimd), InputError);
}

}  // namespace
}  // namespace driftd
