// Every compiled Highway target of the divergence kernels against the scalar
// reference, and the DRIFTD_SIMD=scalar switch of the public functions.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "common/simd_target.h"
#include "divergence/bin_sums.h"
#include "divergence/divergence.h"
#include "divergence/divergence_kernels.h"
#include "divergence/divergence_reference.h"
#include "hwy/targets.h"
#include "test_support.h"

namespace driftd {
namespace {

using testing::IsCloseTo;
using testing::RandomDistributions;

constexpr NamedField<BinSums, double> kBinSumsFields[] = {
    {"p_log_p_over_q", &BinSums::p_log_p_over_q},
    {"q_log_q_over_p", &BinSums::q_log_q_over_p},
    {"p_log_p_over_m", &BinSums::p_log_p_over_m},
    {"q_log_q_over_m", &BinSums::q_log_q_over_m},
    {"abs_difference", &BinSums::abs_difference},
    {"root_difference_squared", &BinSums::root_difference_squared},
    {"p_log_p", &BinSums::p_log_p},
    {"q_log_q", &BinSums::q_log_q},
    {"p_log_q", &BinSums::p_log_q},
    {"g_half", &BinSums::g_half},
};
// Fails to compile when BinSums gains a member the table above misses.
[[maybe_unused]] constexpr auto kBinSumsHasTenMembers = [] {
  [[maybe_unused]] auto [a, b, c, d, e, f, g, h, i, j] = BinSums{};
  return true;
}();

struct ProbabilityCase {
  std::string name;
  std::vector<double> p, q;
};

struct CountCase {
  std::string name;
  std::vector<uint64_t> p, q;
};

// Lengths 1..33 and around the vector widths, 4096 and 4099 bins, zeros on
// either side, spiky and skewed distributions, a subnormal probability.
std::vector<ProbabilityCase> probability_cases() {
  RandomDistributions random(7);
  std::vector<ProbabilityCase> cases;
  for (std::size_t bins = 1; bins <= 33; ++bins) {
    cases.push_back({"random, " + std::to_string(bins) + " bins", random.dirichlet(bins),
                     random.dirichlet(bins)});
  }
  for (std::size_t bins : {64u, 4096u, 4099u}) {
    cases.push_back({"random, " + std::to_string(bins) + " bins", random.dirichlet(bins),
                     random.dirichlet(bins)});
    cases.push_back({"spiky, " + std::to_string(bins) + " bins", random.dirichlet(bins, 0.05),
                     random.dirichlet(bins, 0.05)});
  }
  cases.push_back({"one bin", {1.0}, {1.0}});
  cases.push_back({"two bins", {0.3, 0.7}, {0.6, 0.4}});
  cases.push_back({"disjoint", {1.0, 0.0}, {0.0, 1.0}});
  cases.push_back({"zeros on either side and in both",
                   {0.1, 0.0, 0.2, 0.0, 0.3, 0.1, 0.0, 0.1, 0.2, 0.0, 0.0},
                   {0.0, 0.2, 0.2, 0.0, 0.1, 0.0, 0.3, 0.1, 0.0, 0.1, 0.0}});
  cases.push_back({"very skewed",
                   {1 - 9e-12, 1e-12, 1e-12, 1e-12, 1e-12, 1e-12, 1e-12, 1e-12, 1e-12, 1e-12},
                   std::vector<double>(10, 0.1)});
  const std::vector<double> same = random.dirichlet(21);
  cases.push_back({"identical", same, same});
  cases.push_back({"subnormal q (p/q overflows)", {0.5, 0.5}, {1.0, 1e-310}});
  cases.push_back({"subnormal p", {1.0, 1e-310}, {0.5, 0.5}});
  return cases;
}

std::vector<CountCase> count_cases() {
  RandomDistributions random(11);
  std::vector<CountCase> cases;
  for (std::size_t bins : {1u, 2u, 3u, 5u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 64u, 4096u, 4099u}) {
    const std::vector<double> shape = random.dirichlet(bins, 0.3);
    cases.push_back({"sparse, " + std::to_string(bins) + " bins",
                     random.multinomial(random.uniform(1, 5 * bins), random.dirichlet(bins, 0.3)),
                     random.multinomial(random.uniform(1, 50 * bins), shape)});
    cases.push_back({"same shape, " + std::to_string(bins) + " bins",
                     random.multinomial(100000, shape), random.multinomial(300000, shape)});
  }
  cases.push_back({"zeros on either side and in both", {5, 0, 3, 0, 9, 1, 0, 2, 0},
                   {0, 4, 3, 0, 1, 0, 6, 2, 7}});
  cases.push_back({"one occupied bin", {0, 0, 12, 0}, {0, 0, 40, 0}});
  cases.push_back({"huge counts", {1'000'000'000'000'000, 3, 7'000'000'000'000, 0, 5},
                   {2'000'000'000'000, 9'000'000'000'000'000, 1, 1, 0}});
  cases.push_back({"identical", {4, 0, 9, 1, 1, 1, 7}, {4, 0, 9, 1, 1, 1, 7}});
  return cases;
}

// Restores Highway's own choice of target when a test ends, even a failed one.
struct RestoreTargetsAtExit {
  ~RestoreTargetsAtExit() { hwy::SetSupportedTargetsForTest(0); }
};

// G is a sum of count-weighted log ratios near 0, each carrying a few ulp, so
// the two agree to about (n + m) ulp absolute rather than relative to G.
void check_sums_match(const BinSums& simd, const BinSums& reference, double total_count = 0) {
  for (const auto& field : kBinSumsFields) {
    INFO(field.key);
    const double absolute = field.member == &BinSums::g_half ? 1e-15 * (1 + total_count) : 1e-15;
    CHECK_THAT(simd.*field.member, IsCloseTo(reference.*field.member, 1e-13, absolute));
  }
}

Normalisation renormalisation(const std::vector<double>& p, const std::vector<double>& q) {
  return {0.0, std::accumulate(p.begin(), p.end(), 0.0), std::accumulate(q.begin(), q.end(), 0.0)};
}

RawTotals raw_totals(const std::vector<uint64_t>& p, const std::vector<uint64_t>& q) {
  return {static_cast<double>(std::accumulate(p.begin(), p.end(), uint64_t{0})),
          static_cast<double>(std::accumulate(q.begin(), q.end(), uint64_t{0}))};
}

Normalisation smoothing(const std::vector<uint64_t>& p, const std::vector<uint64_t>& q,
                        double alpha) {
  const RawTotals totals = raw_totals(p, q);
  const double bins = static_cast<double>(p.size());
  return {alpha, totals.n + bins * alpha, totals.m + bins * alpha};
}

TEST_CASE("every SIMD target matches the scalar reference on probabilities", "[simd]") {
  const RestoreTargetsAtExit restore;
  const std::vector<ProbabilityCase> cases = probability_cases();
  const std::vector<int64_t> targets = hwy::SupportedAndGeneratedTargets();
  REQUIRE(targets.size() >= 2);  // at least one SIMD target besides HWY_SCALAR
  for (const int64_t target : targets) {
    hwy::SetSupportedTargetsForTest(target);
    INFO("target " << hwy::TargetName(target));
    for (const ProbabilityCase& c : cases) {
      INFO(c.name);
      const Normalisation normalisation = renormalisation(c.p, c.q);
      check_sums_match(simd_probability_sums(c.p, c.q, normalisation),
                       reference_probability_sums(c.p, c.q, normalisation));
    }
  }
}

TEST_CASE("every SIMD target matches the scalar reference on counts", "[simd]") {
  const RestoreTargetsAtExit restore;
  const std::vector<CountCase> cases = count_cases();
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    INFO("target " << hwy::TargetName(target));
    for (const CountCase& c : cases) {
      // 1e-310: smoothed probabilities of empty bins are subnormal.
      for (const double alpha : {0.0, 1e-310, 0.5, 1.0}) {
        INFO(c.name << ", alpha " << alpha);
        const Normalisation normalisation = smoothing(c.p, c.q, alpha);
        const RawTotals totals = raw_totals(c.p, c.q);
        check_sums_match(simd_count_sums(c.p, c.q, normalisation, totals),
                         reference_count_sums(c.p, c.q, normalisation, totals),
                         totals.n + totals.m);
      }
    }
  }
}

TEST_CASE("edge cases give the conventional values on every target", "[simd]") {
  const RestoreTargetsAtExit restore;
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    INFO("target " << hwy::TargetName(target));
    // Bin 0: p only; bin 1: q only; bin 2: both; bin 3: neither.
    const std::vector<double> p{0.5, 0.0, 0.5, 0.0};
    const std::vector<double> q{0.0, 0.5, 0.5, 0.0};
    const DivergenceMeasures measures =
        measures_from_bin_sums(simd_probability_sums(p, q, renormalisation(p, q)));
    CHECK(measures.kl_pq == HUGE_VAL);
    CHECK(measures.kl_qp == HUGE_VAL);
    CHECK(measures.psi == HUGE_VAL);
    CHECK(measures.pinsker_bound == HUGE_VAL);
    CHECK(measures.cross_entropy_pq == HUGE_VAL);
    CHECK_THAT(measures.entropy_p, IsCloseTo(std::log(2.0), 1e-15));
    CHECK_THAT(measures.tv, IsCloseTo(0.5, 1e-15));
    CHECK_THAT(measures.jsd, IsCloseTo(std::log(2.0) / 2, 1e-15));

    const std::vector<double> point{0.0, 1.0, 0.0};
    const DivergenceMeasures same =
        measures_from_bin_sums(simd_probability_sums(point, point, renormalisation(point, point)));
    for (const auto& field : kMeasureFields) {
      INFO(field.key);
      CHECK(same.*field.member == 0.0);
      CHECK_FALSE(std::signbit(same.*field.member));
    }
  }
}

TEST_CASE("public functions take the SIMD path unless DRIFTD_SIMD=scalar", "[simd]") {
  // ctest runs this binary twice, once with DRIFTD_SIMD=scalar.
  INFO("simd_forced_scalar() = " << simd_forced_scalar());
  RandomDistributions random(3);
  const std::vector<double> p = random.dirichlet(37);
  const std::vector<double> q = random.dirichlet(37);
  const Normalisation renormalised = renormalisation(p, q);
  const DivergenceMeasures expected =
      measures_from_bin_sums(simd_forced_scalar() ? reference_probability_sums(p, q, renormalised)
                                                  : simd_probability_sums(p, q, renormalised));
  const DivergenceMeasures measures = measures_from_probabilities(p, q);
  for (const auto& field : kMeasureFields) {
    INFO(field.key);
    CHECK(measures.*field.member == expected.*field.member);
  }

  const std::vector<uint64_t> p_counts = random.multinomial(500, p);
  const std::vector<uint64_t> q_counts = random.multinomial(700, q);
  const Normalisation smoothed = smoothing(p_counts, q_counts, 0.5);
  const RawTotals totals = raw_totals(p_counts, q_counts);
  const BinSums simd = simd_count_sums(p_counts, q_counts, smoothed, totals);
  const BinSums reference = reference_count_sums(p_counts, q_counts, smoothed, totals);
  const BinSums& chosen = simd_forced_scalar() ? reference : simd;
  CHECK(compare_counts(p_counts, q_counts, 0.5).measures.kl_pq ==
        measures_from_bin_sums(chosen).kl_pq);

  const std::vector<FeatureCounts> features{{p_counts, q_counts}};
  std::vector<CountComparison> out(1);
  compare_counts_batch(features, 0.5, out);
  CHECK(out[0].significance.g_statistic == 2 * chosen.g_half);
  compare_counts_batch(features, 0.5, out, SumsKernel::kSimd);
  CHECK(out[0].significance.g_statistic == 2 * simd.g_half);
  compare_counts_batch(features, 0.5, out, SumsKernel::kScalarReference);
  CHECK(out[0].significance.g_statistic == 2 * reference.g_half);
}

}  // namespace
}  // namespace driftd
