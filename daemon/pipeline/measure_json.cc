#include "pipeline/measure_json.h"

#include <tuple>
#include <type_traits>

#include <cmath>
#include <cstdio>

namespace driftd {

void add_number_json(std::string_view key, double value, nlohmann::ordered_json& out,
                     nlohmann::ordered_json& infinite) {
  if (std::isinf(value)) {
    out[std::string(key)] = nullptr;
    infinite.push_back(key);
  } else {
    out[std::string(key)] = value;
  }
}

void add_measures_json(const DivergenceMeasures& measures, const Significance* significance,
                       nlohmann::ordered_json& out) {
  nlohmann::ordered_json infinite = nlohmann::ordered_json::array();
  for (const auto& field : kMeasureFields) {
    add_number_json(field.key, measures.*field.member, out, infinite);
  }
  if (significance != nullptr) {
    const auto add_field = [&](const auto& field) {
      const auto value = significance->*field.member;
      if constexpr (std::is_same_v<decltype(value), const int>) {
        out[std::string(field.key)] = value;
      } else {
        add_number_json(field.key, value, out, infinite);
      }
    };
    std::apply([&](const auto&... field) { (add_field(field), ...); }, kSignificanceFields);
  }
  if (!infinite.empty()) out["infinite"] = std::move(infinite);
}

std::string format_number(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

std::string format_p_value(double p_value) {
  if (p_value < 1e-300) return "<1e-300";  // 0 too: only an underflow gives 0
  return format_number(p_value);
}

}  // namespace driftd
