// The divergence functions against scipy (tests/fixtures/divergence_oracle.json,
// written by make_oracle.py) and the worked example of docs/metrics.md.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <numeric>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "divergence/contributions.h"
#include "divergence/divergence.h"
#include "divergence/null_expectation.h"
#include "test_support.h"

namespace driftd {
namespace {

using testing::IsCloseTo;

constexpr double kOracleRelative = 1e-10;
// For values that are 0 on one side and a rounding residue on the other.
constexpr double kOracleAbsolute = 1e-15;

nlohmann::json load_oracle() {
  std::ifstream file(DRIFTD_SOURCE_DIR "/tests/fixtures/divergence_oracle.json");
  REQUIRE(file.good());
  return nlohmann::json::parse(file);
}

// The oracle writes +inf as "inf" (JSON has no infinity).
double oracle_number(const nlohmann::json& value) {
  if (value.is_string()) {
    REQUIRE(value.get<std::string>() == "inf");
    return std::numeric_limits<double>::infinity();
  }
  return value.get<double>();
}

std::set<std::string> keys_of(const nlohmann::json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

void check_measures(const DivergenceMeasures& measures, const nlohmann::json& expected) {
  std::set<std::string> keys;
  for (const auto& field : kMeasureFields) {
    INFO(field.key);
    keys.emplace(field.key);
    CHECK_THAT(measures.*field.member,
               IsCloseTo(oracle_number(expected.at(std::string(field.key))), kOracleRelative,
                         kOracleAbsolute));
  }
  CHECK(keys == keys_of(expected));
}

void check_significance(const Significance& significance, const nlohmann::json& expected) {
  std::set<std::string> keys;
  const auto check_field = [&](const auto& field) {
    INFO(field.key);
    keys.emplace(field.key);
    CHECK_THAT(static_cast<double>(significance.*field.member),
               IsCloseTo(oracle_number(expected.at(std::string(field.key))), kOracleRelative,
                         kOracleAbsolute));
  };
  std::apply([&](const auto&... field) { (check_field(field), ...); }, kSignificanceFields);
  CHECK(keys == keys_of(expected));
  CHECK(significance.dof == expected.at("dof").get<int>());
}

// The null expectation behind jsd_corrected and psi_corrected: as scipy
// computes it by the documented method, and within 2% of the exact sum over
// every point of the binomials' supports (the Gauss-Hermite part's error).
void check_null_expectation(std::span<const uint64_t> p, std::span<const uint64_t> q,
                            const nlohmann::json& oracle_case) {
  const double n = static_cast<double>(std::accumulate(p.begin(), p.end(), uint64_t{0}));
  const double m = static_cast<double>(std::accumulate(q.begin(), q.end(), uint64_t{0}));
  const NullExpectation expected = null_expectation(p, q, n, m, oracle_case.at("alpha"));
  const nlohmann::json& documented = oracle_case.at("null");
  CHECK_THAT(expected.jsd, IsCloseTo(oracle_number(documented.at("jsd")), kOracleRelative,
                                     kOracleAbsolute));
  CHECK_THAT(expected.psi, IsCloseTo(oracle_number(documented.at("psi")), kOracleRelative,
                                     kOracleAbsolute));
  if (!oracle_case.contains("null_exact")) return;
  const nlohmann::json& exact = oracle_case.at("null_exact");
  CHECK_THAT(expected.jsd, Catch::Matchers::WithinRel(oracle_number(exact.at("jsd")), 0.02));
  if (std::isfinite(expected.psi)) {
    CHECK_THAT(expected.psi, Catch::Matchers::WithinRel(oracle_number(exact.at("psi")), 0.02));
  }
}

TEST_CASE("measures and G-tests match scipy", "[oracle]") {
  const nlohmann::json oracle = load_oracle();
  REQUIRE(oracle.at("cases").size() >= 30);
  for (const nlohmann::json& oracle_case : oracle.at("cases")) {
    INFO(oracle_case.at("name").get<std::string>());
    if (oracle_case.contains("p")) {
      const auto p = oracle_case.at("p").get<std::vector<double>>();
      const auto q = oracle_case.at("q").get<std::vector<double>>();
      const nlohmann::json& expected = oracle_case.at("measures");
      check_measures(measures_from_probabilities(p, q), expected);
      const double kl_pq = oracle_number(expected.at("kl_pq"));
      CHECK_THAT(kl_divergence(p, q), IsCloseTo(kl_pq, kOracleRelative, kOracleAbsolute));
      const std::vector<BinContribution> contributions = kl_contributions(p, q);
      const double contribution_sum = std::accumulate(
          contributions.begin(), contributions.end(), 0.0,
          [](double sum, const BinContribution& bin) { return sum + bin.contribution; });
      CHECK_THAT(contribution_sum, IsCloseTo(kl_pq, kOracleRelative, kOracleAbsolute));
    } else {
      const auto p = oracle_case.at("p_counts").get<std::vector<uint64_t>>();
      const auto q = oracle_case.at("q_counts").get<std::vector<uint64_t>>();
      const BinOrder order = oracle_case.at("order") == "ordered" ? BinOrder::kOrdered
                                                                  : BinOrder::kUnordered;
      const CountComparison comparison =
          compare_counts(p, q, oracle_case.at("alpha").get<double>(), order);
      check_measures(comparison.measures, oracle_case.at("measures"));
      check_significance(comparison.significance, oracle_case.at("significance"));
      CHECK(comparison.n_p == std::accumulate(p.begin(), p.end(), uint64_t{0}));
      CHECK(comparison.n_q == std::accumulate(q.begin(), q.end(), uint64_t{0}));
      check_null_expectation(p, q, oracle_case);
    }
  }
}

TEST_CASE("the worked example of the metrics contract", "[oracle]") {
  // P = (1/2, 1/4, 1/4) now, Q = (2/5, 2/5, 1/5) reference: 0.04986 nats.
  const std::vector<double> p{0.5, 0.25, 0.25};
  const std::vector<double> q{0.4, 0.4, 0.2};
  CHECK_THAT(measures_from_probabilities(p, q).kl_pq, Catch::Matchers::WithinAbs(0.04986, 5e-6));
  CHECK_THAT(kl_divergence(p, q), Catch::Matchers::WithinAbs(0.04986, 5e-6));
  // Pinsker: KL = 0.0578 nats bounds total variation by sqrt(0.0289) = 0.17.
  CHECK_THAT(pinsker_bound(0.0578), Catch::Matchers::WithinAbs(0.17, 1e-12));
  CHECK(pinsker_bound(std::numeric_limits<double>::infinity()) ==
        std::numeric_limits<double>::infinity());
}

}  // namespace
}  // namespace driftd
