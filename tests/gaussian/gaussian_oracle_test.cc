// Compares the Gaussian KL, the moment accumulators and the group tests with
// an independent numpy and scipy implementation:
// tests/fixtures/gaussian_oracle.json and group_tests_oracle.json, written by
// tests/gaussian/make_oracle.py.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gaussian/gaussian_kl.h"
#include "gaussian/group_tests.h"
#include "gaussian/moments.h"

namespace driftd {
namespace {

using nlohmann::json;

json read_fixture(const std::string& name) {
  std::ifstream in(DRIFTD_SOURCE_DIR "/tests/fixtures/" + name);
  REQUIRE(in);
  return json::parse(in);
}

const json& oracle() {
  static const json parsed = read_fixture("gaussian_oracle.json");
  return parsed;
}

const json& group_oracle() {
  static const json parsed = read_fixture("group_tests_oracle.json");
  return parsed;
}

// Total and parts to 1e-10 relative, measured against the largest part.
void check_matches_oracle(const GaussianKl& actual, const json& expected) {
  const double location = expected.at("location");
  const double shape = expected.at("shape");
  const double scale = expected.at("scale");
  const double magnitude = std::max({std::abs(location), std::abs(shape), std::abs(scale)});
  const auto close_to = [&](double value) {
    return Approx(value).epsilon(1e-10).margin(1e-10 * magnitude);
  };
  CHECK(actual.total == close_to(expected.at("total")));
  CHECK(actual.location == close_to(location));
  CHECK(actual.shape == close_to(shape));
  CHECK(actual.scale == close_to(scale));
}

TEST_CASE("Gaussian KL from parameters matches numpy", "[gaussian_kl][oracle]") {
  const json& cases = oracle().at("parameters");
  REQUIRE(cases.size() == 20);
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const json& c = cases[k];
    const auto mean_p = c.at("current").at("mean").get<std::vector<double>>();
    const auto covariance_p = c.at("current").at("covariance").get<std::vector<double>>();
    const auto mean_q = c.at("reference").at("mean").get<std::vector<double>>();
    const auto covariance_q = c.at("reference").at("covariance").get<std::vector<double>>();
    INFO("parameters case " << k << ", d = " << c.at("dimension"));
    check_matches_oracle(gaussian_kl({mean_p, covariance_p}, {mean_q, covariance_q}),
                         c.at("expected"));
  }
}

// One side of a "samples" case, accumulated row by row.
MomentAccumulator accumulate(const json& side) {
  const auto rows = side.at("rows").get<std::vector<std::vector<double>>>();
  MomentAccumulator moments(rows.front().size());
  for (const auto& row : rows) moments.add(row);
  return moments;
}

UnivariateMoments accumulate_single(const json& side) {
  UnivariateMoments moments;
  for (const json& row : side.at("rows")) moments.add(row.at(0).get<double>());
  return moments;
}

// numpy.mean and numpy.cov (ddof = 1) to 1e-12, relative to each feature's spread.
void check_moments_match_oracle(const MomentAccumulator& moments, const json& side) {
  const auto mean = side.at("mean").get<std::vector<double>>();
  const auto covariance = side.at("covariance").get<std::vector<double>>();
  const std::size_t d = mean.size();
  REQUIRE(moments.dimension() == d);
  CHECK(moments.count() == side.at("rows").size());
  const std::vector<double> actual = moments.covariance();
  for (std::size_t i = 0; i < d; ++i) {
    const double spread_i = std::sqrt(covariance[i * d + i]);
    CHECK(moments.mean()[i] == Approx(mean[i]).epsilon(1e-12).margin(1e-12 * spread_i));
    for (std::size_t j = 0; j < d; ++j) {
      const double spread_j = std::sqrt(covariance[j * d + j]);
      CHECK(actual[i * d + j] ==
            Approx(covariance[i * d + j]).epsilon(1e-12).margin(1e-12 * spread_i * spread_j));
    }
  }
}

TEST_CASE("moments and Gaussian KL of sample data match numpy", "[gaussian_kl][moments][oracle]") {
  const json& cases = oracle().at("samples");
  REQUIRE(cases.size() == 8);
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const json& c = cases[k];
    INFO("samples case " << k << ", d = " << c.at("dimension"));
    const MomentAccumulator current = accumulate(c.at("current"));
    const MomentAccumulator reference = accumulate(c.at("reference"));
    check_moments_match_oracle(current, c.at("current"));
    check_moments_match_oracle(reference, c.at("reference"));
    check_matches_oracle(gaussian_kl(current, reference), c.at("expected"));

    if (c.at("dimension") == 1) {
      check_matches_oracle(gaussian_kl(accumulate_single(c.at("current")),
                                       accumulate_single(c.at("reference"))),
                           c.at("expected"));
    }
  }
}

// Statistics to 1e-10 and p-values to 1e-9 relative (a p-value moves faster
// than its statistic in the tail).
void check_hotelling_matches_oracle(const GroupResult<HotellingT2>& actual,
                                    const json& expected) {
  REQUIRE(actual.value);
  CHECK(actual.value->t2 == Approx(expected.at("t2").get<double>()).epsilon(1e-10));
  CHECK(actual.value->f == Approx(expected.at("f").get<double>()).epsilon(1e-10));
  CHECK(actual.value->dof1 == expected.at("dof1").get<double>());
  CHECK(actual.value->dof2 == expected.at("dof2").get<double>());
  CHECK(actual.value->p_value == Approx(expected.at("p_value").get<double>()).epsilon(1e-9));
}

void check_box_m_matches_oracle(const GroupResult<BoxM>& actual, const json& expected) {
  if (expected.is_null()) {  // too few rows for Box's M
    CHECK_FALSE(actual.value);
    CHECK(actual.problem == GroupProblem::kTooFewRows);
    return;
  }
  REQUIRE(actual.value);
  CHECK(actual.value->uncorrected ==
        Approx(expected.at("uncorrected").get<double>()).epsilon(1e-10));
  CHECK(actual.value->statistic == Approx(expected.at("statistic").get<double>()).epsilon(1e-10));
  CHECK(actual.value->dof == expected.at("dof").get<double>());
  CHECK(actual.value->p_value == Approx(expected.at("p_value").get<double>()).epsilon(1e-9));
}

// Each to 1e-10 relative, measured against the largest: the terms may
// cancel each other.
void check_contributions_match_oracle(const GroupResult<std::vector<double>>& actual,
                                      const json& expected) {
  REQUIRE(actual.value);
  const auto values = expected.get<std::vector<double>>();
  REQUIRE(actual.value->size() == values.size());
  double magnitude = 0.0;
  for (const double v : values) magnitude = std::max(magnitude, std::abs(v));
  for (std::size_t i = 0; i < values.size(); ++i) {
    CHECK((*actual.value)[i] == Approx(values[i]).epsilon(1e-10).margin(1e-10 * magnitude));
  }
}

TEST_CASE("group tests of sample data match numpy and scipy", "[group_tests][oracle]") {
  const json& cases = group_oracle().at("cases");
  REQUIRE(cases.size() == 23);
  bool negative_contribution = false;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const json& c = cases[k];
    const MomentAccumulator current = accumulate(c.at("current"));
    const MomentAccumulator reference = accumulate(c.at("reference"));
    const double ridge = c.at("ridge");
    const json& expected = c.at("expected");
    INFO("group case " << k << ", d = " << c.at("dimension") << ", n = " << current.count()
                       << ", m = " << reference.count() << ", ridge = " << ridge);
    check_hotelling_matches_oracle(hotelling_t2(current, reference, ridge),
                                   expected.at("hotelling_t2"));
    check_box_m_matches_oracle(box_m(current, reference, ridge), expected.at("box_m"));
    const auto contributions = location_contributions(current, reference, ridge);
    check_contributions_match_oracle(contributions, expected.at("location_contributions"));
    for (const double v : *contributions.value) negative_contribution |= v < 0.0;
  }
  CHECK(negative_contribution);
}

}  // namespace
}  // namespace driftd
