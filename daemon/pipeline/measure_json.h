// Rendering of divergence results, in one shape wherever they appear
// (driftctl's JSON, the evidence stored with windows and alerts, the alert
// event document): the keys of metrics.md, the bins that drive kl_pq, and
// numbers formatted for tables.
//
// JSON has no infinity: an infinite measure is written as null and its key is
// listed in the "infinite" array next to it, so the value is reported
// honestly rather than clamped.
#pragma once

#include <cmath>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "divergence/divergence.h"

namespace driftd {

// Writes `value` under `key` in `out`; an infinite value is written as null
// and `key` appended to `infinite` (the caller adds that array to `out` when
// it is not empty).
void add_number_json(std::string_view key, double value, nlohmann::ordered_json& out,
                     nlohmann::ordered_json& infinite);

// Adds every measure and, when given, the significance fields to `out`.
void add_measures_json(const DivergenceMeasures& measures, const Significance* significance,
                       nlohmann::ordered_json& out);

// The bins that drive kl_pq, largest first: {"bin", "label", "p", "q",
// "contribution"} (an infinite contribution is null). Bins: a range of
// values with .label and .contribution (a BinContribution).
template <class Bins>
nlohmann::ordered_json top_bins_json(const Bins& bins) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& bin : bins) {
    const double contribution = bin.contribution.contribution;
    out.push_back({{"bin", bin.contribution.bin},
                   {"label", bin.label},
                   {"p", bin.contribution.p},
                   {"q", bin.contribution.q},
                   {"contribution", std::isinf(contribution) ? nlohmann::ordered_json(nullptr)
                                                             : nlohmann::ordered_json(contribution)}});
  }
  return out;
}

// Six significant digits, "inf" for infinity.
std::string format_number(double value);

// A p-value for a table: format_number, or "<1e-300" when it is smaller,
// 0 included (a p-value is 0 only when it underflowed).
std::string format_p_value(double p_value);

}  // namespace driftd
