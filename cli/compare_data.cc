#include "cli/compare_data.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "cli/cli_error.h"
#include "cli/file_scan.h"
#include "cli/reference_binning.h"
#include "common/error.h"

namespace driftd::cli {
namespace {

// The role of each column read: compared on its own, in a pair (rows kept),
// in a group.
struct ColumnRoles {
  std::vector<std::string> names;  // each once, in order of first mention
  std::vector<bool> compared;
  std::vector<bool> in_pair;
  std::vector<std::vector<std::size_t>> groups;  // indices into names

  std::size_t index(const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
    names.push_back(name);
    compared.push_back(false);
    in_pair.push_back(false);
    return names.size() - 1;
  }
  bool scanned(std::size_t i) const { return compared[i] || in_pair[i]; }
};

ColumnRoles roles_of(const CompareSelection& selection) {
  ColumnRoles roles;
  for (const std::string& name : selection.columns) roles.compared[roles.index(name)] = true;
  for (const PairSelection& pair : selection.joint.pairs) {
    roles.in_pair[roles.index(pair.x)] = true;
    roles.in_pair[roles.index(pair.y)] = true;
  }
  for (const std::vector<std::string>& group : selection.joint.groups) {
    std::vector<std::size_t> indices;
    for (const std::string& name : group) indices.push_back(roles.index(name));
    roles.groups.push_back(std::move(indices));
  }
  return roles;
}

// Reads `columns` of `file` again as text into scan.columns.
void reread_as_text(const DataFile& file, const ColumnRoles& roles,
                    const std::vector<std::size_t>& columns, FileScan& scan,
                    const ScanOptions& options) {
  std::vector<std::optional<ColumnRequest>> requests(roles.names.size());
  for (const std::size_t i : columns) requests[i] = ColumnRequest{ScanMode::kText, nullptr, roles.in_pair[i]};
  FileScan text = scan_file(file, roles.names, requests, {}, options);
  for (const std::size_t i : columns) scan.columns[i] = std::move(text.columns[i]);
}

std::vector<std::size_t> mixed_columns(const FileScan& scan) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < scan.columns.size(); ++i) {
    if (scan.columns[i] && scan.columns[i]->kind() == ColumnScan::Kind::kMixed) out.push_back(i);
  }
  return out;
}

std::string too_many_categories(const std::string& name) {
  return "column '" + name + "': more than " + std::to_string(kMaxTrackedCategories) +
         " distinct values";
}

// Why the reference scan of a column chosen by default makes it one not to
// compare; nullopt to compare it. Throws for what cannot be compared at all.
std::optional<std::string> reason_to_skip(const ColumnScan& scan) {
  const uint64_t present = scan.rows() - scan.missing();
  switch (scan.kind()) {
    case ColumnScan::Kind::kEmpty:
      return "no present value in the reference";
    case ColumnScan::Kind::kNumeric: {
      const uint64_t finite = scan.profile().finite;
      if (finite == 0) return "no finite value in the reference";
      if (finite >= kIdLikeMinDistinct && scan.profile().all_integer && scan.profile().increasing) {
        return "ID-like: " + std::to_string(finite) + " integers, increasing row by row";
      }
      return std::nullopt;
    }
    case ColumnScan::Kind::kText: {
      if (scan.too_many_categories()) {
        return "ID-like: more than " + std::to_string(kMaxTrackedCategories) + " distinct values";
      }
      const uint64_t distinct = scan.categories().size();
      if (distinct >= kIdLikeMinDistinct && 2 * distinct > present) {
        return "ID-like: " + std::to_string(distinct) + " distinct values in " +
               std::to_string(present) + " present";
      }
      if (scan.all_dates()) return "date-like: every value is a date or a date-time";
      return std::nullopt;
    }
    case ColumnScan::Kind::kMixed:
      break;
  }
  return std::nullopt;
}

}  // namespace

CompareData read_compare_data(const DataFile& reference, const DataFile& current,
                              const CompareSelection& selection,
                              const ColumnBinningOptions& binning, const ScanOptions& scan,
                              std::size_t memory) {
  const ColumnRoles roles = roles_of(selection);
  const std::size_t n = roles.names.size();
  CompareData out;

  // Read 1: the reference.
  std::vector<std::optional<ColumnRequest>> requests(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (roles.scanned(i)) requests[i] = ColumnRequest{ScanMode::kDetect, nullptr, roles.in_pair[i]};
  }
  FileScan ref =
      scan_file(reference, roles.names, requests, roles.groups, scan, first_read_budget(memory));
  out.reference_reads = 1;
  if (const auto mixed = mixed_columns(ref); !mixed.empty()) {
    reread_as_text(reference, roles, mixed, ref, scan);
    ++out.reference_reads;
  }

  // What to compare, and the numeric columns' bins.
  std::vector<bool> skipped(n, false);
  const auto skip = [&](std::size_t i, std::string reason) {
    skipped[i] = true;
    out.skipped.push_back({roles.names[i], std::move(reason)});
  };
  std::vector<std::size_t> numeric;  // the numeric columns to compare
  for (std::size_t i = 0; i < n; ++i) {
    if (!roles.scanned(i)) continue;
    const ColumnScan& column = *ref.columns[i];
    const bool may_skip = !selection.named && !roles.in_pair[i];
    if (may_skip) {
      if (auto reason = reason_to_skip(column)) {
        skip(i, std::move(*reason));
        continue;
      }
    } else if (column.too_many_categories()) {
      throw InputError(too_many_categories(roles.names[i]));
    }
    if (column.kind() != ColumnScan::Kind::kText) numeric.push_back(i);
  }
  std::vector<std::optional<NumericReference>> numeric_references =
      bin_reference(reference, roles.names, ref, numeric, roles.in_pair, binning, scan, memory,
                    out.reference_reads);

  // Read 2: the current.
  for (std::size_t i = 0; i < n; ++i) {
    if (!roles.scanned(i) || skipped[i]) {
      requests[i].reset();
    } else if (numeric_references[i]) {
      requests[i] = ColumnRequest{ScanMode::kBin, numeric_references[i]->binner.get(),
                                  roles.in_pair[i], numeric_references[i]->grid.get()};
    } else {
      requests[i] = ColumnRequest{ScanMode::kText, nullptr, roles.in_pair[i]};
    }
  }
  FileScan cur = scan_file(current, roles.names, requests, roles.groups, scan);
  out.current_reads = 1;
  if (const auto mixed = mixed_columns(cur); !mixed.empty()) {
    // Numbers in the reference, text here: categorical after all.
    reread_as_text(reference, roles, mixed, ref, scan);
    reread_as_text(current, roles, mixed, cur, scan);
    ++out.reference_reads;
    ++out.current_reads;
    for (const std::size_t i : mixed) {
      numeric_references[i].reset();
      if (ref.columns[i]->too_many_categories() && !skipped[i]) {
        if (selection.named || roles.in_pair[i]) throw InputError(too_many_categories(roles.names[i]));
        skip(i, "ID-like: more than " + std::to_string(kMaxTrackedCategories) + " distinct values");
      }
    }
  }

  for (std::size_t i = 0; i < n; ++i) {
    if (!roles.scanned(i) || skipped[i]) continue;
    const ColumnScan& cur_column = *cur.columns[i];
    if (!selection.named && !roles.in_pair[i] && cur_column.missing() == cur_column.rows()) {
      skip(i, "no present value in the current file");
      continue;
    }
    if (!numeric_references[i]) {
      out.binned.emplace(roles.names[i], bin_categorical(roles.names[i], *ref.columns[i],
                                                         cur_column, binning, roles.in_pair[i]));
      continue;
    }
    NumericReference& numeric_reference = *numeric_references[i];
    BinnedColumn column = bin_numeric(roles.names[i], numeric_reference.binning,
                                      std::move(numeric_reference.counts),
                                      counts_of_scan(cur_column));
    if (!numeric_reference.grid_tally.empty() && !cur_column.grid_tally().empty()) {
      column.value_distances =
          cdf_distances(numeric_reference.grid->cells().edges(),
                        numeric_reference.grid_tally.side(), cur_column.grid_tally().side());
      column.reference_std = ref.columns[i]->profile().standard_deviation();
    }
    out.binned.emplace(roles.names[i], std::move(column));
  }
  for (const std::string& name : selection.columns) {
    if (out.binned.count(name)) out.compared.push_back(name);
  }

  for (std::size_t g = 0; g < roles.groups.size(); ++g) {
    const std::vector<std::string>& features = selection.joint.groups[g];
    for (const GroupScan* side : {&ref.groups[g], &cur.groups[g]}) {
      if (side->non_numeric) {
        std::string listed;
        for (const std::string& name : features) listed += (listed.empty() ? "" : ",") + name;
        throw UsageError("--groups: '" + listed + "': column '" + features[*side->non_numeric] +
                         "' is categorical; a group takes numeric columns");
      }
    }
    out.groups.push_back({features, std::move(ref.groups[g].moments),
                          std::move(cur.groups[g].moments), ref.groups[g].incomplete,
                          cur.groups[g].incomplete});
  }
  return out;
}

}  // namespace driftd::cli
