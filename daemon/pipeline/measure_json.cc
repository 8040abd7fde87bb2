#include "pipeline/measure_json.h"

#include <cmath>
#include <cstdio>

namespace driftd {
namespace {

void add_number(std::string_view key, double value, nlohmann::ordered_json& out,
                nlohmann::ordered_json& infinite) {
  if (std::isinf(value)) {
    out[std::string(key)] = nullptr;
    infinite.push_back(key);
  } else {
    out[std::string(key)] = value;
  }
}

}  // namespace

void add_measures_json(const DivergenceMeasures& measures, const Significance* significance,
                       nlohmann::ordered_json& out) {
  nlohmann::ordered_json infinite = nlohmann::ordered_json::array();
  for (const auto& field : kMeasureFields) {
    add_number(field.key, measures.*field.member, out, infinite);
  }
  if (significance != nullptr) {
    out["g_statistic"] = significance->g_statistic;
    out["dof"] = significance->dof;
    out["p_value"] = significance->p_value;
    add_number("kl_pq_corrected", significance->kl_pq_corrected, out, infinite);
  }
  if (!infinite.empty()) out["infinite"] = std::move(infinite);
}

std::string format_number(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace driftd
