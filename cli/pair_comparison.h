// Offline comparison of a feature pair (driftctl compare --pairs x:y): the
// joint table of X's bins by Y's bins in each file, each column binned
// exactly as its own comparison bins it (column_binning.h), evaluated as the
// daemon evaluates a pair (pair_evaluator.h: the joint measures, the
// chain-rule split in both orders, the x bins whose conditionals moved).
// X conditions Y; either may be numeric or categorical.
//
// A row goes into a cell when both its values have a bin; a row where
// either is missing is counted as incomplete.
// Errors: no reference row with both values throws driftd::InputError
// naming the pair ("pair 'x:y': no reference row has both values"). A
// current file without such a row is no error: the evaluation is empty
// (PairEvaluation's joint and splits are nullopt).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/column_binning.h"
#include "pipeline/pair_evaluator.h"

namespace driftd::cli {

struct PairComparison {
  std::string name;  // "x:y"
  std::string x;
  std::string y;
  std::vector<std::string> x_labels;  // the label of each x bin
  std::size_t y_bins = 0;
  uint64_t n_reference = 0;           // reference rows with both values
  uint64_t incomplete_reference = 0;  // reference rows with one missing
  std::vector<uint64_t> reference_cells;  // x_bins x y_bins, row-major
  PairEvaluation evaluation;              // the current file against the reference
};

// alpha: the additive smoothing of the joint cells.
PairComparison compare_pair(const BinnedColumn& x, const BinnedColumn& y, double alpha);

}  // namespace driftd::cli
