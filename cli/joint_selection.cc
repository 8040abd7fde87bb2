#include "cli/joint_selection.h"

#include <algorithm>

#include "cli/cli_error.h"
#include "cli/command_line.h"

namespace driftd::cli {
namespace {

// The start of every message about `item` of `option`: "--pairs: 'x:y'".
std::string about(const std::string& option, const std::string& item) {
  return "--" + option + ": '" + item + "'";
}

bool has_column(const std::vector<std::string>& columns, const std::string& name) {
  return std::find(columns.begin(), columns.end(), name) != columns.end();
}

void require_columns(const std::vector<std::string>& names, const std::string& option,
                     const std::string& item, const ComparedFiles& files) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (names[j] == names[i]) {
        throw UsageError(about(option, item) + " names column '" + names[i] + "' twice");
      }
    }
  }
  for (const std::string& name : names) {
    if (!has_column(files.reference_columns, name)) {
      throw UsageError(about(option, item) + ": " + files.reference_path + " has no column '" +
                       name + "'");
    }
    if (!has_column(files.current_columns, name)) {
      throw UsageError(about(option, item) + ": " + files.current_path + " has no column '" +
                       name + "'");
    }
  }
}

PairSelection select_pair(const std::string& item, const ComparedFiles& files) {
  const std::vector<std::string> names = split_list(item, ':');
  if (names.size() != 2) throw UsageError(about("pairs", item) + " is not of the form x:y");
  require_columns(names, "pairs", item, files);
  return {names[0], names[1]};
}

std::vector<std::string> select_group(const std::string& value, const ComparedFiles& files) {
  std::vector<std::string> names = split_list(value, ',');
  if (names.size() < 2) {
    throw UsageError(about("groups", value) + " has 1 column; a group needs at least 2");
  }
  require_columns(names, "groups", value, files);
  return names;
}

}  // namespace

JointSelection select_joint(const std::vector<std::string>& pair_values,
                            const std::vector<std::string>& group_values,
                            const ComparedFiles& files) {
  JointSelection out;
  for (const std::string& value : pair_values) {
    for (const std::string& item : split_list(value, ',')) {
      out.pairs.push_back(select_pair(item, files));
    }
  }
  for (const std::string& value : group_values) out.groups.push_back(select_group(value, files));
  return out;
}

}  // namespace driftd::cli
