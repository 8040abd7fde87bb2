// Per-bin contributions to kl_pq, their ranking, and smoothed_probabilities.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "divergence/contributions.h"
#include "divergence/divergence.h"
#include "test_support.h"

namespace driftd {
namespace {

using testing::IsCloseTo;
using testing::RandomDistributions;

std::vector<std::size_t> bins_of(const std::vector<BinContribution>& contributions) {
  std::vector<std::size_t> bins;
  for (const BinContribution& contribution : contributions) bins.push_back(contribution.bin);
  return bins;
}

double total_contribution(const std::vector<BinContribution>& contributions) {
  return std::accumulate(contributions.begin(), contributions.end(), 0.0,
                         [](double sum, const BinContribution& bin) { return sum + bin.contribution; });
}

TEST_CASE("contributions are p ln(p/q) per bin with gradient q - p", "[contributions]") {
  const std::vector<double> p{0.5, 0.25, 0.25, 0.0};
  const std::vector<double> q{0.4, 0.4, 0.0, 0.2};
  const std::vector<BinContribution> contributions = kl_contributions(p, q);
  REQUIRE(contributions.size() == 4);
  CHECK(bins_of(contributions) == std::vector<std::size_t>{0, 1, 2, 3});
  CHECK_THAT(contributions[0].contribution, IsCloseTo(0.5 * std::log(1.25), 1e-15));
  CHECK_THAT(contributions[1].contribution, IsCloseTo(0.25 * std::log(0.625), 1e-15));
  CHECK(contributions[2].contribution == HUGE_VAL);  // p > 0 = q
  CHECK(contributions[3].contribution == 0.0);       // 0 ln 0 = 0
  CHECK(contributions[1].p == 0.25);
  CHECK(contributions[1].q == 0.4);
  CHECK_THAT(contributions[1].gradient, IsCloseTo(0.15, 1e-15));
  CHECK_THAT(contributions[3].gradient, IsCloseTo(0.2, 1e-15));
}

TEST_CASE("contributions are of the renormalised vectors", "[contributions]") {
  const std::vector<double> p{0.5000004, 0.5};  // sums to 1 + 4e-7
  const std::vector<double> q{0.25, 0.75};
  const std::vector<BinContribution> contributions = kl_contributions(p, q);
  CHECK(contributions[0].p == 0.5000004 / (0.5000004 + 0.5));
  CHECK_THAT(contributions[0].p + contributions[1].p, IsCloseTo(1.0, 1e-16));
}

TEST_CASE("contributions sum to kl_pq", "[contributions]") {
  RandomDistributions random(29);
  for (int pair = 0; pair < 100; ++pair) {
    const std::size_t bins = random.uniform(1, 300);
    const std::vector<double> p = random.dirichlet(bins, 0.5);
    const std::vector<double> q = random.dirichlet(bins, 0.5);
    INFO("pair " << pair << ", " << bins << " bins");
    const double kl_pq = measures_from_probabilities(p, q).kl_pq;
    CHECK_THAT(total_contribution(kl_contributions(p, q)), IsCloseTo(kl_pq, 1e-12, 1e-15));
    CHECK_THAT(kl_divergence(p, q), IsCloseTo(kl_pq, 1e-12, 1e-15));
  }
}

TEST_CASE("top contributions are the largest, descending, ties in bin order",
          "[contributions]") {
  // Contributions: bin 0 0.1 ln(1/7) < 0, bins 1 to 3 tie at 0.2 ln 2, bin 4 +inf.
  const std::vector<double> p{0.1, 0.2, 0.2, 0.2, 0.3};
  const std::vector<double> q{0.7, 0.1, 0.1, 0.1, 0.0};
  CHECK(bins_of(top_kl_contributions(p, q, 0)).empty());
  CHECK(bins_of(top_kl_contributions(p, q, 1)) == std::vector<std::size_t>{4});
  CHECK(bins_of(top_kl_contributions(p, q, 3)) == std::vector<std::size_t>{4, 1, 2});
  CHECK(bins_of(top_kl_contributions(p, q, 5)) == std::vector<std::size_t>{4, 1, 2, 3, 0});
  CHECK(bins_of(top_kl_contributions(p, q, 99)) == std::vector<std::size_t>{4, 1, 2, 3, 0});

  RandomDistributions random(31);
  const std::vector<double> p_random = random.dirichlet(50);
  const std::vector<double> q_random = random.dirichlet(50);
  std::vector<BinContribution> all = kl_contributions(p_random, q_random);
  std::sort(all.begin(), all.end(), [](const BinContribution& a, const BinContribution& b) {
    return a.contribution > b.contribution;
  });
  all.resize(7);
  CHECK(bins_of(top_kl_contributions(p_random, q_random, 7)) == bins_of(all));
}

TEST_CASE("smoothed probabilities are (c + alpha) / (n + K alpha)", "[contributions]") {
  const std::vector<uint64_t> counts{50, 25, 0};
  const std::vector<double> smoothed = smoothed_probabilities(counts, 0.5);
  CHECK(smoothed == std::vector<double>{50.5 / 76.5, 25.5 / 76.5, 0.5 / 76.5});
  CHECK(smoothed_probabilities(counts, 0.0) == std::vector<double>{50.0 / 75, 25.0 / 75, 0.0});

  // They are what compare_counts() measures.
  const std::vector<uint64_t> reference{40, 40, 20};
  const DivergenceMeasures from_counts = compare_counts(counts, reference, 0.5).measures;
  const DivergenceMeasures from_probabilities = measures_from_probabilities(
      smoothed, smoothed_probabilities(reference, 0.5));
  for (const auto& field : kMeasureFields) {
    INFO(field.key);
    CHECK_THAT(from_counts.*field.member,
               IsCloseTo(from_probabilities.*field.member, 1e-14, 1e-16));
  }
}

}  // namespace
}  // namespace driftd
