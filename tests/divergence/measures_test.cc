// The name tables: keys exactly as docs/metrics.md, each on its own member.
#include <catch2/catch.hpp>

#include <string_view>
#include <tuple>
#include <vector>

#include "divergence/measures.h"

namespace driftd {
namespace {

TEST_CASE("kMeasureFields names every measure as docs/metrics.md does", "[measures]") {
  // Fails to compile when DivergenceMeasures gains a member.
  [[maybe_unused]] const auto [a, b, c, d, e, f, g, h, i, j, k] = DivergenceMeasures{};

  std::vector<std::string_view> keys;
  DivergenceMeasures measures{};
  double marker = 1;
  for (const auto& field : kMeasureFields) {
    keys.push_back(field.key);
    measures.*field.member = marker++;
  }
  CHECK(keys == std::vector<std::string_view>{"kl_pq", "kl_qp", "jsd", "js_distance", "tv",
                                               "pinsker_bound", "hellinger", "psi", "entropy_p",
                                               "entropy_q", "cross_entropy_pq"});
  // Each key reaches the member of that name.
  CHECK(measures.kl_pq == 1);
  CHECK(measures.kl_qp == 2);
  CHECK(measures.jsd == 3);
  CHECK(measures.js_distance == 4);
  CHECK(measures.tv == 5);
  CHECK(measures.pinsker_bound == 6);
  CHECK(measures.hellinger == 7);
  CHECK(measures.psi == 8);
  CHECK(measures.entropy_p == 9);
  CHECK(measures.entropy_q == 10);
  CHECK(measures.cross_entropy_pq == 11);
}

TEST_CASE("kSignificanceFields names every significance value", "[measures]") {
  [[maybe_unused]] const auto [g, dof, p_value, corrected, dof_pooled, p_value_calibrated,
                               p_value_rank, jsd_corrected, psi_corrected] = Significance{};

  std::vector<std::string_view> keys;
  Significance significance{};
  int marker = 1;
  std::apply(
      [&](const auto&... field) {
        ((keys.push_back(field.key), significance.*field.member = marker++), ...);
      },
      kSignificanceFields);
  CHECK(keys == std::vector<std::string_view>{"g_statistic", "dof", "p_value", "kl_pq_corrected",
                                              "dof_pooled", "p_value_calibrated", "p_value_rank",
                                              "jsd_corrected", "psi_corrected"});
  CHECK(significance.g_statistic == 1);
  CHECK(significance.dof == 2);
  CHECK(significance.p_value == 3);
  CHECK(significance.kl_pq_corrected == 4);
  CHECK(significance.dof_pooled == 5);
  CHECK(significance.p_value_calibrated == 6);
  CHECK(significance.p_value_rank == 7);
  CHECK(significance.jsd_corrected == 8);
  CHECK(significance.psi_corrected == 9);
}

TEST_CASE("the G-test p-value is the chi-square survival function", "[measures]") {
  CHECK(g_test_p_value(0.0, 0) == 1.0);
  CHECK(g_test_p_value(0.0, 3) == 1.0);
  // scipy.stats.chi2.sf(3.841458820694124, 1) = 0.05; chi2.sf(10, 4) = 0.04042768199451279.
  CHECK_THAT(g_test_p_value(3.841458820694124, 1), Catch::Matchers::WithinRel(0.05, 1e-12));
  CHECK_THAT(g_test_p_value(10.0, 4), Catch::Matchers::WithinRel(0.04042768199451279, 1e-12));
  // Far in the tail the survival underflows to 0 rather than failing.
  CHECK(g_test_p_value(1e6, 1) == 0.0);
}

}  // namespace
}  // namespace driftd
