// The feature pairs and groups a `driftctl compare` run is asked for:
// --pairs x:y[,x:y...] and --groups a,b,c (each option may be repeated),
// read and checked against the two files before anything is computed.
//
// Checks, each a UsageError naming the option and the item:
// - a pair is two column names separated by one ':', and not the same
//   column twice;
// - a group names at least 2 columns, none twice, each numeric in both files
//   (column_binning.h's type rule);
// - every column named exists in both files.
#pragma once

#include <string>
#include <vector>

#include "dataset/table.h"

namespace driftd::cli {

struct PairSelection {
  std::string x;  // conditions y
  std::string y;
};

struct JointSelection {
  std::vector<PairSelection> pairs;
  std::vector<std::vector<std::string>> groups;  // each group's columns, in the order given
};

// The files and their paths, as the messages name them.
struct ComparedFiles {
  const Table& reference;
  const std::string& reference_path;
  const Table& current;
  const std::string& current_path;
};

// pair_values, group_values: the values of each --pairs and --groups given.
JointSelection select_joint(const std::vector<std::string>& pair_values,
                            const std::vector<std::string>& group_values,
                            const ComparedFiles& files);

}  // namespace driftd::cli
