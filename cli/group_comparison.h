// Offline comparison of a group of numeric columns (driftctl compare
// --groups a,b,c): the moments of each file's complete rows (every feature
// present and finite; compare_data.h takes them), evaluated as the daemon evaluates a group
// (group_evaluator.h: the Gaussian KL and its parts, the location part by
// feature, Hotelling's T^2 and Box's M, each or the reason it has no value).
//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/compare_data.h"
#include "pipeline/group_evaluator.h"

namespace driftd::cli {

struct GroupComparison {
  std::string name;                   // the features joined by ","
  std::vector<std::string> features;
  uint64_t n_reference = 0;           // complete reference rows
  uint64_t incomplete_reference = 0;  // reference rows with a feature missing or infinite
  uint64_t incomplete = 0;            // the same, of the current file
  GroupEvaluation evaluation;         // the current file against the reference
};

// ridge: as gaussian_kl's (finite, >= 0).
GroupComparison compare_group(const GroupSides& sides, double ridge);

}  // namespace driftd::cli
