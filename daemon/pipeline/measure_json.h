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

#include <nlohmann/json.hpp>

#include "divergence/divergence.h"

namespace driftd {

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

// Six significant digits, "inf" for infinity, "<1e-300" style for tiny
// p-values is left to the caller.
std::string format_number(double value);

}  // namespace driftd
