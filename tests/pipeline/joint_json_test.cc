// The JSON of a pair's and a group's evaluation: every number in its place,
// infinite ones null and listed where they are, an empty window's pair and
// a group's missing results rendered as such, labels and names from the
// caller.
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "pipeline/joint_json.h"

namespace driftd {
namespace {

const std::vector<std::string> kXLabels{"(-inf, 1)", "[1, +inf)"};

TEST_CASE("A pair's JSON holds the joint measures, both splits and the labelled top x bins") {
  // Reference: Y follows X; window: Y is the opposite of X.
  const std::vector<uint64_t> q{90, 10, 10, 90};
  const std::vector<uint64_t> p{10, 90, 85, 15};
  const PairEvaluation e = evaluate_pair(p, 3, q, 2, 2, 0.5);
  const nlohmann::ordered_json json = pair_json(e, kXLabels);
  CHECK(json["n"] == 200);
  CHECK(json["incomplete"] == 3);
  CHECK(json["joint"]["kl_pq"].get<double>() == e.joint->measures.kl_pq);
  CHECK(json["joint"]["p_value_calibrated"].get<double>() ==
        e.joint->significance.p_value_calibrated);
  CHECK(json["given_x"]["marginal"].get<double>() == e.given_x->marginal);
  CHECK(json["given_x"]["conditional"].get<double>() == e.given_x->conditional);
  CHECK(json["given_x"]["joint"].get<double>() == e.given_x->joint);
  CHECK(json["given_x"]["p_value_conditional"].get<double>() ==
        e.given_x_tests->conditional.p_value);
  CHECK(json["given_y"]["dof_marginal"].get<int>() == e.given_y_tests->marginal.dof);
  CHECK(json["given_y"]["marginal"].get<double>() == e.given_y->marginal);
  CHECK(json["given_y"]["conditional"].get<double>() == e.given_y->conditional);
  CHECK_FALSE(json["given_x"].contains("infinite"));
  REQUIRE(json["top_x"].size() == e.top_x.size());
  const std::size_t top = e.top_x.front();
  CHECK(json["top_x"][0]["bin"] == top);
  CHECK(json["top_x"][0]["label"] == kXLabels[top]);
  CHECK(json["top_x"][0]["contribution"].get<double>() == e.given_x->conditional_by_x[top]);
  CHECK_THROWS_AS(pair_json(e, std::vector<std::string>{}), InputError);
}

TEST_CASE("A pair compared without smoothing writes its infinities as null and lists them") {
  // The reference never saw Y = 1 with X = 1; the window did.
  const std::vector<uint64_t> q{50, 50, 100, 0};
  const std::vector<uint64_t> p{50, 50, 90, 10};
  const nlohmann::ordered_json json = pair_json(evaluate_pair(p, 0, q, 2, 2, 0.0), kXLabels);
  CHECK(json["joint"]["kl_pq"].is_null());
  CHECK(json["given_x"]["marginal"].get<double>() == Approx(0.0).margin(1e-15));
  CHECK(json["given_x"]["conditional"].is_null());
  CHECK(json["given_x"]["joint"].is_null());
  CHECK(json["given_x"]["infinite"] == nlohmann::ordered_json{"conditional", "joint"});
  CHECK(json["top_x"][0]["label"] == kXLabels[1]);
  CHECK(json["top_x"][0]["contribution"].is_null());
  CHECK(json["top_x"][0]["infinite"] == nlohmann::ordered_json{"contribution"});
}

TEST_CASE("A window without a complete event gives a pair without comparisons") {
  const std::vector<uint64_t> zero(4, 0);
  const std::vector<uint64_t> q{1, 2, 3, 4};
  const nlohmann::ordered_json json = pair_json(evaluate_pair(zero, 7, q, 2, 2, 0.5), kXLabels);
  CHECK(json["n"] == 0);
  CHECK(json["incomplete"] == 7);
  CHECK(json["joint"].is_null());
  CHECK(json["given_x"].is_null());
  CHECK(json["given_y"].is_null());
  CHECK(json["top_x"].empty());
}

MomentAccumulator moments(const std::vector<std::vector<double>>& rows) {
  MomentAccumulator out(rows.front().size());
  for (const auto& row : rows) out.add(row);
  return out;
}

TEST_CASE("A group's JSON holds each result by name, or the problem that stopped it") {
  const MomentAccumulator reference =
      moments({{1, 2}, {2, 1}, {3, 5}, {4, 3}, {5, 6}, {6, 4}, {7, 9}});
  const MomentAccumulator window = moments({{2, 2}, {3, 1}, {5, 6}, {6, 3}, {8, 8}, {7, 5}});
  const std::vector<std::string> names{"amount", "latency"};
  const GroupEvaluation e = evaluate_group(window, reference, 0.0);
  const nlohmann::ordered_json json = group_json(e, names);
  CHECK(json["n"] == 6);
  CHECK(json["gaussian"]["kl"].get<double>() == e.gaussian.value->total);
  CHECK(json["gaussian"]["location"].get<double>() == e.gaussian.value->location);
  CHECK(json["gaussian"]["shape"].get<double>() == e.gaussian.value->shape);
  CHECK(json["gaussian"]["scale"].get<double>() == e.gaussian.value->scale);
  CHECK(json["location_by_feature"]["amount"].get<double>() == (*e.location_by_feature.value)[0]);
  CHECK(json["location_by_feature"]["latency"].get<double>() == (*e.location_by_feature.value)[1]);
  CHECK(json["t2"]["statistic"].get<double>() == e.t2.value->t2);
  CHECK(json["t2"]["p_value"].get<double>() == e.t2.value->p_value);
  CHECK(json["t2"]["dof2"].get<double>() == 10.0);
  CHECK(json["box_m"]["statistic"].get<double>() == e.box_m.value->statistic);
  CHECK(json["box_m"]["p_value"].get<double>() == e.box_m.value->p_value);
  CHECK_THROWS_AS(group_json(e, std::vector<std::string>{"amount"}), InputError);

  const nlohmann::ordered_json few = group_json(
      evaluate_group(moments({{1, 1}, {2, 3}}), reference, 0.0), names);
  CHECK(few["n"] == 2);
  CHECK(few["gaussian"]["problem"] == "too_few_rows");
  CHECK(few["gaussian"]["reason"].get<std::string>().find("current") != std::string::npos);
  CHECK(few["box_m"]["problem"] == "too_few_rows");
  CHECK(few["t2"].contains("statistic"));

  const nlohmann::ordered_json singular = group_json(
      evaluate_group(moments({{1, 2}, {2, 2}, {3, 2}, {4, 2}}), reference, 0.0), names);
  CHECK(singular["gaussian"]["problem"] == "singular_covariance");
  CHECK(singular["box_m"]["problem"] == "singular_covariance");
}

}  // namespace
}  // namespace driftd
