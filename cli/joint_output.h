// What driftctl compare prints for feature pairs and groups: the entries of
// its JSON document's "pairs" and "groups" arrays (the evaluations in the
// shape of pipeline/joint_json.h, with the files' counts around them;
// docs/api.md, "Feature pairs and groups") and the table sections that
// follow the columns' table.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "cli/group_comparison.h"
#include "cli/pair_comparison.h"

namespace driftd::cli {

nlohmann::ordered_json pairs_json(const std::vector<PairComparison>& pairs);
nlohmann::ordered_json groups_json(const std::vector<GroupComparison>& groups);

// Each prints a blank line, then one row per pair or group and a legend.
void print_pairs_table(const std::vector<PairComparison>& pairs);
void print_groups_table(const std::vector<GroupComparison>& groups);

}  // namespace driftd::cli
