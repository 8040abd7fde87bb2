// Compares the conditional G-test with an independent scipy implementation:
// tests/fixtures/conditional_g_test_oracle.json, written by
// tests/joint/make_conditional_g_oracle.py. Every tested row is large enough
// that nothing is pooled, so each row's statistic is scipy's G over Williams'
// q and the p-value chi2.sf of their sum.
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "divergence/calibrated_g_test.h"
#include "joint/conditional_g_test.h"

namespace driftd {
namespace {

using nlohmann::json;

TEST_CASE("conditional G-test matches scipy", "[conditional_g_test][oracle]") {
  std::ifstream in(DRIFTD_SOURCE_DIR "/tests/fixtures/conditional_g_test_oracle.json");
  REQUIRE(in);
  const json cases = json::parse(in).at("cases");
  REQUIRE(cases.size() == 7);
  const auto close_to = [](double value) { return Approx(value).epsilon(1e-10).margin(1e-300); };
  for (const json& c : cases) {
    INFO(c.at("name").get<std::string>());
    const std::size_t x_bins = c.at("x_bins"), y_bins = c.at("y_bins");
    const auto current = c.at("current").get<std::vector<std::uint64_t>>();
    const auto reference = c.at("reference").get<std::vector<std::uint64_t>>();
    const json& expected = c.at("expected");
    for (const json& row : expected.at("rows")) {
      const std::size_t x = row.at("x");
      INFO("row " << x);
      const auto row_p = std::span<const std::uint64_t>(current).subspan(x * y_bins, y_bins);
      const auto row_q = std::span<const std::uint64_t>(reference).subspan(x * y_bins, y_bins);
      double n = 0, m = 0;
      for (std::size_t y = 0; y < y_bins; ++y) {
        n += static_cast<double>(row_p[y]);
        m += static_cast<double>(row_q[y]);
      }
      const PooledGStatistic statistic = pooled_g_statistic(row_p, row_q, n, m);
      CHECK(statistic.dof == row.at("dof").get<int>());
      CHECK(statistic.g_corrected == close_to(row.at("g_corrected")));
    }
    const CalibratedGTest test = conditional_g_test(current, reference, x_bins, y_bins);
    CHECK(test.dof == expected.at("dof").get<int>());
    CHECK(test.p_value == close_to(expected.at("p_value")));
  }
}

}  // namespace
}  // namespace driftd
