#include "pipeline/joint_json.h"

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "pipeline/measure_json.h"

namespace driftd {
namespace {

using Json = nlohmann::ordered_json;

// Each number under its key; infinite ones as null, listed in "infinite".
Json numbers_json(std::initializer_list<std::pair<const char*, double>> numbers) {
  Json out = Json::object();
  Json infinite = Json::array();
  for (const auto& [key, value] : numbers) add_number_json(key, value, out, infinite);
  if (!infinite.empty()) out["infinite"] = std::move(infinite);
  return out;
}

// One order of the chain rule and the significance of its two terms.
Json split_json(const std::optional<ChainRuleSplit>& split,
                const std::optional<ChainRuleTests>& tests) {
  if (!split) return nullptr;
  Json out = numbers_json(
      {{"marginal", split->marginal}, {"conditional", split->conditional}, {"joint", split->joint}});
  if (tests) {
    out["p_value_marginal"] = tests->marginal.p_value;
    out["dof_marginal"] = tests->marginal.dof;
    out["p_value_conditional"] = tests->conditional.p_value;
    out["dof_conditional"] = tests->conditional.dof;
  }
  return out;
}

// The value rendered by `render`, or why there is none (a GroupResult
// without a value has a problem other than kNone).
template <class Value, class Render>
Json result_json(const GroupResult<Value>& result, Render render) {
  if (result.value) return render(*result.value);
  return Json{{"problem", result.problem == GroupProblem::kTooFewRows ? "too_few_rows"
                                                                      : "singular_covariance"},
              {"reason", result.reason}};
}

}  // namespace

Json pair_json(const PairEvaluation& pair, std::span<const std::string> x_labels) {
  Json out;
  out["n"] = pair.n;
  out["incomplete"] = pair.incomplete;
  if (pair.joint) {
    Json joint = Json::object();
    add_measures_json(pair.joint->measures, &pair.joint->significance, joint);
    out["joint"] = std::move(joint);
  } else {
    out["joint"] = nullptr;
  }
  out["given_x"] = split_json(pair.given_x, pair.given_x_tests);
  out["given_y"] = split_json(pair.given_y, pair.given_y_tests);
  Json top_x = Json::array();
  for (const std::size_t x : pair.top_x) {
    if (x >= x_labels.size()) {
      throw InputError("pair_json: x bin " + std::to_string(x) + " has no label");
    }
    Json bin{{"bin", x}, {"label", x_labels[x]}};
    bin.update(numbers_json({{"contribution", pair.given_x->conditional_by_x[x]}}));
    top_x.push_back(std::move(bin));
  }
  out["top_x"] = std::move(top_x);
  return out;
}

Json cells_json(std::span<const uint64_t> cells, std::size_t y_bins) {
  Json rows = Json::array();
  for (std::size_t start = 0; start < cells.size(); start += y_bins) {
    rows.push_back(cells.subspan(start, y_bins));
  }
  return rows;
}

Json group_json(const GroupEvaluation& group, std::span<const std::string> features) {
  Json out;
  out["n"] = group.n;
  const MomentAccumulator& moments = group.moments;
  if (moments.count() >= 2) {
    const std::size_t d = moments.dimension();
    const std::vector<double> covariance = moments.covariance();
    Json rows = Json::array();
    for (std::size_t i = 0; i < d; ++i) {
      rows.push_back(std::span(covariance).subspan(i * d, d));
    }
    out["mean"] = moments.mean();
    out["covariance"] = std::move(rows);
  } else {
    out["mean"] = nullptr;
    out["covariance"] = nullptr;
  }
  out["gaussian"] = result_json(group.gaussian, [](const GaussianKl& kl) {
    return Json{{"kl", kl.total}, {"location", kl.location}, {"shape", kl.shape}, {"scale", kl.scale}};
  });
  out["location_by_feature"] =
      result_json(group.location_by_feature, [&](const std::vector<double>& shares) {
        if (shares.size() != features.size()) {
          throw InputError("group_json: " + std::to_string(features.size()) +
                           " feature names for " + std::to_string(shares.size()) + " features");
        }
        Json by_feature = Json::object();
        for (std::size_t i = 0; i < shares.size(); ++i) by_feature[features[i]] = shares[i];
        return by_feature;
      });
  out["t2"] = result_json(group.t2, [](const HotellingT2& t2) {
    return Json{{"statistic", t2.t2}, {"f", t2.f}, {"dof1", t2.dof1}, {"dof2", t2.dof2},
                {"p_value", t2.p_value}};
  });
  out["box_m"] = result_json(group.box_m, [](const BoxM& m) {
    return Json{{"statistic", m.statistic}, {"uncorrected", m.uncorrected}, {"dof", m.dof},
                {"p_value", m.p_value}};
  });
  return out;
}

}  // namespace driftd
