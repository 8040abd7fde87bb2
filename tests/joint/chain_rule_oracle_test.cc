// Compares the chain-rule split with an independent numpy/scipy
// implementation: tests/fixtures/chain_rule_oracle.json, written by
// tests/joint/make_oracle.py.
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "joint/chain_rule.h"

namespace driftd {
namespace {

using nlohmann::json;

TEST_CASE("chain-rule split matches scipy", "[chain_rule][oracle]") {
  std::ifstream in(DRIFTD_SOURCE_DIR "/tests/fixtures/chain_rule_oracle.json");
  REQUIRE(in);
  const json cases = json::parse(in).at("cases");
  REQUIRE(cases.size() == 32);
  const auto close_to = [](double value) { return Approx(value).epsilon(1e-10).margin(1e-14); };
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const json& c = cases[k];
    const std::size_t x_bins = c.at("x_bins"), y_bins = c.at("y_bins");
    const double alpha = c.at("alpha");
    INFO("case " << k << ": " << x_bins << " x " << y_bins << ", alpha " << alpha);
    const auto current = c.at("current").get<std::vector<std::uint64_t>>();
    const auto reference = c.at("reference").get<std::vector<std::uint64_t>>();
    const ChainRuleSplit split = chain_rule_split(current, reference, x_bins, y_bins, alpha);
    const json& expected = c.at("expected");
    CHECK(split.joint == close_to(expected.at("joint")));
    CHECK(split.marginal == close_to(expected.at("marginal")));
    CHECK(split.conditional == close_to(expected.at("conditional")));
    const auto by_x = expected.at("conditional_by_x").get<std::vector<double>>();
    REQUIRE(split.conditional_by_x.size() == by_x.size());
    for (std::size_t x = 0; x < by_x.size(); ++x) {
      CHECK(split.conditional_by_x[x] == close_to(by_x[x]));
    }
  }
}

}  // namespace
}  // namespace driftd
