// The references of a stream's feature pairs and groups, built from the same
// rows as its features' references (the capture's rows, row-aligned across
// features):
//   pair  - the joint histogram of the reference rows over the two
//           features' reference bins (x_bins x y_bins, row-major), and the
//           rows where either value was missing or invalid;
//   group - the moments (mean, covariance) of the complete rows of its
//           features, and the standardisation each window's fixed-point
//           sums are taken against (group_moments.h): each feature's mean
//           and standard deviation over those rows (1 for a constant one).
// A pair whose feature has no reference, or whose rows are all incomplete,
// has none (present() false); so does a group with fewer complete rows than
// it needs for a covariance (d + 1).
//
// Thread safety: values; pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gaussian/moments.h"
#include "pipeline/fixed_point_moments.h"

namespace driftd {

struct PairReference {
  int64_t id = 0;       // joint_references.id; 0 until stored
  int64_t version = 0;  // 1, 2, ... per (stream, pair)
  std::size_t x_bins = 0;
  std::size_t y_bins = 0;
  std::vector<uint64_t> cells;  // x_bins x y_bins; empty: no reference
  uint64_t incomplete = 0;
  bool present() const { return !cells.empty(); }
};

struct GroupReference {
  int64_t id = 0;       // joint_references.id; 0 until stored
  int64_t version = 0;  // 1, 2, ... per (stream, group)
  MomentAccumulator moments{1};
  std::vector<Standardisation> standards;  // empty: no reference
  bool present() const { return !standards.empty(); }
};

// From the reference rows' bins of X and of Y (a bin index, or at least the
// bin count for a missing or invalid value; one entry per row).
// REQUIRES: x_rows.size() == y_rows.size().
PairReference pair_reference(std::span<const uint32_t> x_rows, std::span<const uint32_t> y_rows,
                             std::size_t x_bins, std::size_t y_bins);

// From the reference rows of the group's features (one span per feature, NaN
// = missing or invalid). REQUIRES: at least one column, all of one length.
GroupReference group_reference(std::span<const std::span<const double>> columns);
// From the moments of the rows (a promoted window's): none with fewer than
// d + 1 rows.
GroupReference group_reference(const MomentAccumulator& moments);

// The stored form of a present reference (docs/schema.md, joint_references
// .body), and back: every double written with the digits that read it back
// exactly, so a reference loaded from storage is the one that was saved and
// a checkpoint's sums stay valid across restarts. The readers throw
// InputError naming what is wrong when the text does not hold a reference
// of that shape (a pair of x_bins x y_bins cells; a group of d features).
std::string pair_reference_json(const PairReference& reference);
PairReference pair_reference_from_json(std::string_view json, std::size_t x_bins,
                                       std::size_t y_bins);
std::string group_reference_json(const GroupReference& reference);
GroupReference group_reference_from_json(std::string_view json, std::size_t d);

}  // namespace driftd
