// Exact order statistics of a column too large to hold, found over repeated
// reads of it: how driftctl compare gets numpy's quantile edges within its
// memory budget.
//
// A RankRefinement starts from what the first read learnt: the column's
// number of finite values n, their minimum and maximum, the ranks wanted
// (0-based in sorted order, NumericBinning::quantile_ranks) and the counts
// of its finite values on a grid of cells (any edges; driftctl compare's
// value grid, cli/value_grid.h). Each further read follows plan(): every
// finite value is binned by the plan's edges (numeric_binning.h's bins),
// each bin counted, and the values of the bins the plan collects kept.
// absorb() resolves each wanted rank whose bin was collected; any other
// rank is narrowed to its bin, whose exact count is now known, and the next
// plan collects that bin when it holds at most max_collected values
// (over all the bins collected in one read), or else splits it evenly in
// order-key space (order_key.h) into up to kMaxSplit parts. A bin of one
// value needs no collecting. So every rank is resolved after at most
// ceil(64 / log2(kMaxSplit)) + 1 further reads whatever the data; with a
// first grid of G cells about equally full, one read does when the ranks'
// cells, about 2 (B - 1) n / G values for B quantile bins, fit in
// max_collected.
//
// count_below(x): the number of finite values < x, when the reads told it:
// x in a bin that resolved a rank or on its upper edge, strictly between
// the values of two adjacent wanted ranks, or outside [min, max]. Every
// quantile edge built from the resolved values is such a point (an edge
// lies between the values of adjacent ranks; the point-mass edge
// nextafter(v) is in v's bin or on its upper edge), so the reference's
// counts per final bin need no further read.
//
// Memory: the values of the bins that resolved a rank (at most
// max_collected per read) and the plan.
//
// Errors: absorb() with counts of the wrong size, or claiming values for
// bins not collected, throws std::invalid_argument (a programming error).
// Thread safety: none; one refinement per column, on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace driftd {

// What one read of the column does: bin by `edges`, count every bin, keep
// the values of the bins with collect[b] set (collect.size() ==
// edges.size() + 1).
struct RefinementPlan {
  std::vector<double> edges;
  std::vector<bool> collect;
};

class RankRefinement {
 public:
  static constexpr std::size_t kMaxSplit = 4096;
  static constexpr std::size_t kMaxPlanEdges = 4095;  // NumericBinning's limit

  // REQUIRES: finite >= 1; ranks sorted, distinct, < finite; min <= max,
  // finite; first_edges sorted, finite, and first_counts the column's finite
  // values in each of their first_edges.size() + 1 bins; max_collected >= 1.
  RankRefinement(std::uint64_t finite, double min, double max, std::vector<std::uint64_t> ranks,
                 std::vector<double> first_edges, std::span<const std::uint64_t> first_counts,
                 std::size_t max_collected);

  bool done() const { return pending_.empty(); }
  // The next read. REQUIRES: !done().
  const RefinementPlan& plan() const { return plan_; }
  // What the read of plan() found: counts[b] finite values in bin b, and
  // the values of the collected bins (any order; a bin's values are all
  // there or none). Resolves what it can and plans the next read.
  void absorb(std::span<const std::uint64_t> counts, std::vector<double> collected);
  // The value at each wanted rank, in ranks' order. REQUIRES: done().
  std::vector<double> values() const;
  std::optional<std::uint64_t> count_below(double x) const;
  // Reads absorbed so far, the first included.
  unsigned reads() const { return reads_; }

 private:
  // [lo, hi) (lo may be -inf, hi +inf) holding `count` finite values, the
  // first of rank `below`.
  struct Interval {
    double lo;
    double hi;
    std::uint64_t below;
    std::uint64_t count;
  };
  // A bin that resolved a rank: its values, sorted (collected), or the one
  // value every value in it has.
  struct KnownInterval {
    Interval interval;
    std::vector<double> values;
    bool one_value;
  };
  struct PendingRank {
    std::size_t index;  // into ranks_
    Interval interval;
  };

  void plan_pending();
  // The value every finite value in `interval` has, when it holds one only.
  std::optional<double> single_value(const Interval& interval) const;

  std::uint64_t finite_;
  double min_;
  double max_;
  std::vector<std::uint64_t> ranks_;
  std::vector<std::optional<double>> values_;  // per rank
  std::size_t max_collected_;
  std::vector<PendingRank> pending_;
  RefinementPlan plan_;
  std::vector<KnownInterval> resolved_;
  unsigned reads_ = 0;
};

}  // namespace driftd
