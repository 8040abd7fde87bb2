// The feature pairs and groups a `driftctl compare` run is asked for:
// --pairs x:y[,x:y...] and --groups a,b,c (each option may be repeated),
// read and checked against the two files before anything is computed.
//
// Checks, each a UsageError naming the option and the item:
// - a pair is two column names separated by one ':', and not the same
//   column twice;
// - a group names at least 2 columns, none twice;
// - every column named exists in both files.
// That a group's columns are numeric is known only once the files are read
// (compare_data.h checks it).
#pragma once

#include <string>
#include <vector>


namespace driftd::cli {

struct PairSelection {
  std::string x;  // conditions y
  std::string y;
};

struct JointSelection {
  std::vector<PairSelection> pairs;
  std::vector<std::vector<std::string>> groups;  // each group's columns, in the order given
};

// The files' columns and their paths, as the messages name them.
struct ComparedFiles {
  const std::vector<std::string>& reference_columns;
  const std::string& reference_path;
  const std::vector<std::string>& current_columns;
  const std::string& current_path;
};

// pair_values, group_values: the values of each --pairs and --groups given.
JointSelection select_joint(const std::vector<std::string>& pair_values,
                            const std::vector<std::string>& group_values,
                            const ComparedFiles& files);

}  // namespace driftd::cli
