// What `driftctl reference import` and `driftctl reference promote` print
// about the references they stored: one row per feature (version, n, missing,
// bin count), as JSON or as a table, and the notice that a running driftd
// installs them only at its next restart.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "pipeline/feature_reference.h"

namespace driftd::cli {

// {"feature", "version", "n", "missing", "bins"}; the caller may add keys.
nlohmann::ordered_json stored_reference_json(const std::string& feature,
                                             const FeatureReference& reference);

// The JSON output: {"stream", "db", "origin", "references": rows,
// "takes_effect"}.
nlohmann::ordered_json stored_references_document(const std::string& stream,
                                                  const std::string& db,
                                                  const std::string& origin,
                                                  nlohmann::ordered_json rows);

// The table output: one line per row ("(was V)" after the version when a row has
// "previous_version"), a line per row with "gaussian_moments", then when the
// references take effect.
void print_stored_references(const nlohmann::ordered_json& rows);

}  // namespace driftd::cli
