#include "cli/group_comparison.h"

namespace driftd::cli {

GroupComparison compare_group(const GroupSides& sides, double ridge) {
  GroupComparison out;
  for (const std::string& name : sides.features) {
    out.name += (out.features.empty() ? "" : ",") + name;
    out.features.push_back(name);
  }
  out.n_reference = sides.reference.count();
  out.incomplete_reference = sides.incomplete_reference;
  out.incomplete = sides.incomplete_current;
  out.evaluation = evaluate_group(sides.current, sides.reference, ridge);
  return out;
}

}  // namespace driftd::cli
