#include "histogram/rank_refinement.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "histogram/order_key.h"

namespace driftd {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

double above(double x) { return std::nextafter(x, kInfinity); }

// Plan edges in order, with the collect flag of each bin (bin 0 is below
// the first edge). Segments are added in increasing order; equal bounds of
// touching segments are one edge. An infinite bound is no edge (the end
// bins are open).
class PlanBuilder {
 public:
  std::size_t edges() const { return plan_.edges.size(); }
  void add_segment(double lo, double hi, bool collect) {
    add_edge(lo);
    plan_.collect.back() = collect;
    add_edge(hi);
  }
  RefinementPlan take() { return std::move(plan_); }

 private:
  void add_edge(double edge) {
    if (!std::isfinite(edge)) return;
    edge += 0.0;  // -0.0 is +0.0, as NumericBinning stores it
    if (!plan_.edges.empty() && plan_.edges.back() == edge) return;
    plan_.edges.push_back(edge);
    plan_.collect.push_back(false);
  }

  RefinementPlan plan_{{}, {false}};
};

}  // namespace

RankRefinement::RankRefinement(std::uint64_t finite, double min, double max,
                               std::vector<std::uint64_t> ranks, std::vector<double> first_edges,
                               std::span<const std::uint64_t> first_counts,
                               std::size_t max_collected)
    : finite_(finite),
      min_(min),
      max_(max),
      ranks_(std::move(ranks)),
      values_(ranks_.size()),
      max_collected_(max_collected) {
  if (finite_ == 0 || !(min_ <= max_) || !std::isfinite(min_) || !std::isfinite(max_) ||
      max_collected_ == 0 || !std::is_sorted(ranks_.begin(), ranks_.end()) ||
      (!ranks_.empty() && ranks_.back() >= finite_) ||
      !std::is_sorted(first_edges.begin(), first_edges.end()) ||
      first_counts.size() != first_edges.size() + 1) {
    throw std::invalid_argument("RankRefinement: arguments out of their domain");
  }
  const Interval everything{-kInfinity, kInfinity, 0, finite_};
  if (const std::optional<double> value = single_value(everything)) {
    std::fill(values_.begin(), values_.end(), *value);
    return;
  }
  for (std::size_t i = 0; i < ranks_.size(); ++i) pending_.push_back({i, everything});
  const std::size_t cells = first_counts.size();
  plan_ = {std::move(first_edges), std::vector<bool>(cells, false)};
  absorb(first_counts, {});
}

std::optional<double> RankRefinement::single_value(const Interval& interval) const {
  const double lo = std::max(interval.lo, min_);
  const double hi = std::min(interval.hi, above(max_));
  if (above(lo) >= hi) return lo;
  return std::nullopt;
}


void RankRefinement::plan_pending() {
  // The distinct intervals of the pending ranks, in order (pending_ is in
  // rank order and the intervals are disjoint).
  std::vector<Interval> intervals;
  for (const PendingRank& pending : pending_) {
    if (intervals.empty() || intervals.back().below != pending.interval.below) {
      intervals.push_back(pending.interval);
    }
  }
  std::size_t to_split = 0;
  std::size_t budget = max_collected_;
  for (const Interval& interval : intervals) {
    if (interval.count <= budget) {
      budget -= interval.count;
    } else {
      ++to_split;
    }
  }
  const std::size_t spare_edges = kMaxPlanEdges > 2 * intervals.size()
                                      ? kMaxPlanEdges - 2 * intervals.size()
                                      : 0;
  const std::size_t parts =
      std::clamp<std::size_t>(to_split == 0 ? 2 : spare_edges / to_split + 1, 2, kMaxSplit);

  PlanBuilder builder;
  budget = max_collected_;
  for (const Interval& interval : intervals) {
    // Intervals that do not fit wait for a later read (rare: thousands of
    // ranks pending at once).
    if (builder.edges() + parts + 1 > kMaxPlanEdges) break;
    const double lo = std::max(interval.lo, min_);
    const double hi = std::min(interval.hi, above(max_));
    if (interval.count <= budget) {
      budget -= interval.count;
      builder.add_segment(lo, hi, true);
      continue;
    }
    const std::uint64_t key_lo = order_key(lo);
    const std::uint64_t key_span = order_key(hi) - key_lo;
    const std::uint64_t pieces = std::min<std::uint64_t>(parts, key_span);
    double start = lo;
    for (std::uint64_t i = 1; i < pieces; ++i) {
      const double end = from_order_key(key_lo + key_span / pieces * i);
      builder.add_segment(start, end, false);
      start = end;
    }
    builder.add_segment(start, hi, false);
  }
  plan_ = builder.take();
}

void RankRefinement::absorb(std::span<const std::uint64_t> counts, std::vector<double> collected) {
  const std::vector<double>& edges = plan_.edges;
  if (done() || counts.size() != edges.size() + 1) {
    throw std::invalid_argument("RankRefinement::absorb: one count per bin of plan()");
  }
  std::vector<std::uint64_t> below(counts.size() + 1, 0);
  for (std::size_t b = 0; b < counts.size(); ++b) below[b + 1] = below[b] + counts[b];
  const auto bin_interval = [&](std::size_t bin) {
    return Interval{bin == 0 ? -kInfinity : edges[bin - 1],
                    bin == edges.size() ? kInfinity : edges[bin], below[bin], counts[bin]};
  };

  // The collected values by bin (sorted, a bin's are contiguous). A bin the
  // reader did not keep whole (it keeps within a memory cap) stays unknown.
  std::sort(collected.begin(), collected.end());
  std::vector<std::pair<std::size_t, std::size_t>> kept_of_bin(counts.size(), {0, 0});  // [from, to)
  std::vector<bool> whole(counts.size(), false);
  for (std::size_t at = 0; at < collected.size();) {
    const auto bin = static_cast<std::size_t>(
        std::upper_bound(edges.begin(), edges.end(), collected[at]) - edges.begin());
    if (!plan_.collect[bin]) {
      throw std::invalid_argument("RankRefinement::absorb: a value of a bin not collected");
    }
    std::size_t end = at;
    while (end < collected.size() && (bin == edges.size() || collected[end] < edges[bin])) ++end;
    kept_of_bin[bin] = {at, end};
    whole[bin] = end - at == counts[bin];
    at = end;
  }

  // Only the bins that resolve a rank are remembered (count_below needs no
  // other), each once.
  std::vector<std::optional<std::size_t>> resolved_in_bin(counts.size());
  std::vector<PendingRank> still_pending;
  for (PendingRank& pending : pending_) {
    const std::uint64_t rank = ranks_[pending.index];
    const auto bin = static_cast<std::size_t>(
        std::upper_bound(below.begin() + 1, below.end(), rank) - (below.begin() + 1));
    if (whole[bin]) {
      if (!resolved_in_bin[bin]) {
        KnownInterval known{bin_interval(bin), {}, false};
        for (std::size_t i = kept_of_bin[bin].first; i < kept_of_bin[bin].second; ++i) {
          known.values.push_back(collected[i]);
        }
        resolved_in_bin[bin] = resolved_.size();
        resolved_.push_back(std::move(known));
      }
      values_[pending.index] = resolved_[*resolved_in_bin[bin]].values[rank - below[bin]];
      continue;
    }
    const Interval interval = bin_interval(bin);
    // A bin inside the rank's interval narrows it (a piece of a split, or
    // the interval itself); a rank whose interval this read left out (no
    // room for its edges) sits in a wider bin: it keeps its interval.
    if (interval.lo >= pending.interval.lo && interval.hi <= pending.interval.hi) {
      pending.interval = interval;
    }
    if (const std::optional<double> value = single_value(pending.interval)) {
      values_[pending.index] = *value;
      resolved_.push_back({pending.interval, {*value}, true});
      continue;
    }
    still_pending.push_back(pending);
  }
  pending_ = std::move(still_pending);
  ++reads_;
  if (!done()) plan_pending();
}

std::vector<double> RankRefinement::values() const {
  if (!done()) throw std::logic_error("RankRefinement::values: ranks still pending");
  std::vector<double> out;
  out.reserve(values_.size());
  for (const std::optional<double>& value : values_) out.push_back(*value);
  return out;
}

std::optional<std::uint64_t> RankRefinement::count_below(double x) const {
  if (std::isnan(x)) return std::nullopt;
  if (x <= min_) return 0;
  if (x > max_) return finite_;
  // In, or on the upper edge of, a bin that resolved a rank.
  for (const KnownInterval& known : resolved_) {
    const Interval& bin = known.interval;
    if (!(bin.lo <= x && x <= bin.hi)) continue;
    if (x == bin.hi) return bin.below + bin.count;
    if (known.one_value) return bin.below + (x > known.values.front() ? bin.count : 0);
    return bin.below + static_cast<std::uint64_t>(
                           std::lower_bound(known.values.begin(), known.values.end(), x) -
                           known.values.begin());
  }
  // Strictly between the values of two adjacent ranks.
  for (std::size_t i = 0; i + 1 < ranks_.size(); ++i) {
    if (ranks_[i + 1] == ranks_[i] + 1 && values_[i] && values_[i + 1] && *values_[i] < x &&
        x < *values_[i + 1]) {
      return ranks_[i + 1];
    }
  }
  return std::nullopt;
}

}  // namespace driftd
