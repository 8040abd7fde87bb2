#include "cli/group_comparison.h"

#include <cmath>

#include "cli/column_binning.h"

namespace driftd::cli {
namespace {

// One file's complete rows.
struct GroupMoments {
  MomentAccumulator moments;
  uint64_t incomplete = 0;
};

GroupMoments accumulate(const std::vector<const Column*>& columns) {
  std::vector<std::vector<double>> values;
  for (const Column* column : columns) values.push_back(numeric_values(*column));
  GroupMoments out{MomentAccumulator(columns.size())};
  std::vector<double> row(columns.size());
  for (std::size_t r = 0; r < values.front().size(); ++r) {
    bool complete = true;
    for (std::size_t i = 0; i < values.size(); ++i) {
      row[i] = values[i][r];
      complete = complete && std::isfinite(row[i]);
    }
    if (complete) {
      out.moments.add(row);
    } else {
      ++out.incomplete;
    }
  }
  return out;
}

}  // namespace

GroupComparison compare_group(const std::vector<const Column*>& reference,
                              const std::vector<const Column*>& current, double ridge) {
  GroupComparison out;
  for (const Column* column : reference) {
    out.name += (out.features.empty() ? "" : ",") + column->name;
    out.features.push_back(column->name);
  }
  const GroupMoments ref = accumulate(reference);
  const GroupMoments cur = accumulate(current);
  out.n_reference = ref.moments.count();
  out.incomplete_reference = ref.incomplete;
  out.incomplete = cur.incomplete;
  out.evaluation = evaluate_group(cur.moments, ref.moments, ridge);
  return out;
}

}  // namespace driftd::cli
