// Rendering of divergence results for driftctl: JSON with the keys of
// metrics.md, and numbers formatted for tables.
//
// JSON has no infinity: an infinite measure is written as null and its key is
// listed in the "infinite" array next to it, so the value is reported
// honestly rather than clamped.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "divergence/divergence.h"

namespace driftd::cli {

// Adds every measure and, when given, the significance fields to `out`.
void add_measures_json(const DivergenceMeasures& measures, const Significance* significance,
                       nlohmann::ordered_json& out);

// Six significant digits, "inf" for infinity, "<1e-300" style for tiny
// p-values is left to the caller.
std::string format_number(double value);

}  // namespace driftd::cli
