// What `driftctl reference import` and `driftctl reference promote` print
// about the references they stored: one row per feature (version, n, missing,
// bin count), as JSON or as a table, and the notice that a running driftd
// installs them only at its next restart.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "pipeline/feature_reference.h"
#include "pipeline/stream_references.h"

namespace driftd::cli {

// When the references shown take effect: stored here (a running driftd
// installs them at its next restart), or published as a cluster switch.
enum class TakesEffect { at_restart, at_switch };

// {"feature", "version" (null: not stored), "n", "missing", "bins"}; the
// caller may add keys.
nlohmann::ordered_json stored_reference_json(const std::string& feature,
                                             const FeatureReference& reference);

// One row per pair and group of the stream: {"name", "kind", "version"
// (null: none stored, e.g. no complete row in the file), "n"}.
nlohmann::ordered_json stored_joint_references_json(const config::StreamConfig& stream,
                                                    const StreamReferences& references);

// The JSON output: {"stream", "db", "origin", "references": rows,
// "joint_references": joint_rows (when not empty), "takes_effect"}.
nlohmann::ordered_json stored_references_document(
    const std::string& stream, const std::string& db, const std::string& origin,
    nlohmann::ordered_json rows,
    nlohmann::ordered_json joint_rows = nlohmann::ordered_json::array(),
    TakesEffect when = TakesEffect::at_restart);

// The table output: one line per row ("(was V)" after the version when a row has
// "previous_version"), a line per row with "gaussian_moments", one per joint
// row, then when the references take effect.
void print_stored_references(const nlohmann::ordered_json& rows,
                             const nlohmann::ordered_json& joint_rows =
                                 nlohmann::ordered_json::array(),
                             TakesEffect when = TakesEffect::at_restart);

}  // namespace driftd::cli
