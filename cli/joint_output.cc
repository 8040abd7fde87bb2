#include "cli/joint_output.h"

#include <cstdio>
#include <optional>
#include <span>
#include <string>

#include "pipeline/joint_json.h"
#include "pipeline/measure_json.h"

namespace driftd::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string incomplete_text(uint64_t reference, uint64_t current) {
  return std::to_string(reference) + "/" + std::to_string(current);
}

// A group test's p-value for the table, "-" when it has none.
template <class Test>
std::string p_value_text(const GroupResult<Test>& result) {
  return result.value ? format_p_value(result.value->p_value) : "-";
}

template <class Value>
void print_problem(const std::string& group, const char* what, const GroupResult<Value>& result) {
  if (!result.value) std::printf("  %s: %s: %s\n", group.c_str(), what, result.reason.c_str());
}

}  // namespace

Json pairs_json(const std::vector<PairComparison>& pairs) {
  Json out = Json::array();
  for (const PairComparison& pair : pairs) {
    Json entry{{"name", pair.name},
               {"x", pair.x},
               {"y", pair.y},
               {"x_bins", pair.x_labels.size()},
               {"y_bins", pair.y_bins},
               {"n_ref", pair.n_reference},
               {"incomplete_ref", pair.incomplete_reference}};
    entry.update(pair_json(pair.evaluation, pair.x_labels));
    entry["cells"] = cells_json(pair.evaluation.cells, pair.y_bins);
    entry["cells_ref"] = cells_json(pair.reference_cells, pair.y_bins);
    out.push_back(std::move(entry));
  }
  return out;
}

Json groups_json(const std::vector<GroupComparison>& groups) {
  Json out = Json::array();
  for (const GroupComparison& group : groups) {
    Json entry{{"name", group.name},
               {"features", group.features},
               {"n_ref", group.n_reference},
               {"incomplete_ref", group.incomplete_reference},
               {"incomplete", group.incomplete}};
    entry.update(group_json(group.evaluation, group.features));
    out.push_back(std::move(entry));
  }
  return out;
}

void print_pairs_table(const std::vector<PairComparison>& pairs) {
  std::printf("\n%-27s %8s %8s %15s %10s %10s %10s %10s %10s %10s  %s\n", "pair x:y", "n_ref",
              "n_cur", "incomplete r/c", "kl_joint", "kl_x", "kl_y|x", "kl_y", "kl_x|y", "p_cal",
              "top x bin (share of kl_y|x)");
  for (const PairComparison& pair : pairs) {
    const PairEvaluation& e = pair.evaluation;
    const auto number = [](const std::optional<ChainRuleSplit>& split,
                           double ChainRuleSplit::*part) {
      return split ? format_number(*split.*part) : std::string("-");
    };
    std::string top = "-";
    if (!e.top_x.empty()) {
      const std::size_t x = e.top_x.front();
      top = pair.x_labels[x] + " " + format_number(e.given_x->conditional_by_x[x]);
    }
    std::printf("%-27s %8llu %8llu %15s %10s %10s %10s %10s %10s %10s  %s\n", pair.name.c_str(),
                static_cast<unsigned long long>(pair.n_reference),
                static_cast<unsigned long long>(e.n),
                incomplete_text(pair.incomplete_reference, e.incomplete).c_str(),
                number(e.given_x, &ChainRuleSplit::joint).c_str(),
                number(e.given_x, &ChainRuleSplit::marginal).c_str(),
                number(e.given_x, &ChainRuleSplit::conditional).c_str(),
                number(e.given_y, &ChainRuleSplit::marginal).c_str(),
                number(e.given_y, &ChainRuleSplit::conditional).c_str(),
                e.joint ? format_p_value(e.joint->significance.p_value_calibrated).c_str() : "-",
                top.c_str());
  }
  std::printf(
      "\nPairs: X conditions Y. kl_joint = kl_x + kl_y|x = kl_y + kl_x|y (chain rule): kl_x is "
      "X's drift,\nkl_y|x = sum_x P(x) D(P(Y|x) || Q(Y|x)) the change of Y given X. p_cal: the "
      "joint table's\ncalibrated G-test.\n");
}

void print_groups_table(const std::vector<GroupComparison>& groups) {
  std::printf("\n%-27s %8s %8s %15s %10s %10s %10s %10s %10s %10s\n", "group", "n_ref", "n_cur",
              "incomplete r/c", "gauss_kl", "location", "shape", "scale", "p_t2", "p_box_m");
  for (const GroupComparison& group : groups) {
    const GroupEvaluation& e = group.evaluation;
    const auto gaussian = [&](double GaussianKl::*part) {
      return e.gaussian.value ? format_number(*e.gaussian.value.*part) : std::string("-");
    };
    std::printf("%-27s %8llu %8llu %15s %10s %10s %10s %10s %10s %10s\n", group.name.c_str(),
                static_cast<unsigned long long>(group.n_reference),
                static_cast<unsigned long long>(e.n),
                incomplete_text(group.incomplete_reference, group.incomplete).c_str(),
                gaussian(&GaussianKl::total).c_str(), gaussian(&GaussianKl::location).c_str(),
                gaussian(&GaussianKl::shape).c_str(), gaussian(&GaussianKl::scale).c_str(),
                p_value_text(e.t2).c_str(), p_value_text(e.box_m).c_str());
    print_problem(group.name, "gaussian", e.gaussian);
    print_problem(group.name, "t2", e.t2);
    print_problem(group.name, "box_m", e.box_m);
  }
  std::printf(
      "\nGroups: the Gaussian KL of normals fitted to the complete rows, gauss_kl = location + "
      "shape + scale.\np_t2: Hotelling's T^2 (the means), p_box_m: Box's M (the "
      "covariances).\n");
}

}  // namespace driftd::cli
