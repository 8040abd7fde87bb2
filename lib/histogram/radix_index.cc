#include "histogram/radix_index.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace driftd {
namespace {

constexpr std::size_t kMaxRootBuckets = 16384;
// Entries of all levels below the root together.
constexpr std::size_t kMaxSubLevelEntries = 16384;
constexpr std::size_t kMinBuckets = 16;

// Buckets for a level of `edge_count` edges, before the caps.
std::size_t wanted_buckets(std::size_t edge_count) {
  return std::max(kMinBuckets, std::bit_ceil(4 * (edge_count + 1)));
}

// The level over `edges` with this offset and the fewest bits of shift
// that keep its buckets within max_buckets. REQUIRES: edges non-empty;
// offset, and the edges plus offset, finite and not -0.0.
RadixLevel level_with_offset(std::span<const double> edges, double offset,
                             std::size_t max_buckets) {
  RadixLevel level{};
  level.offset = offset;
  level.low = edges.front() + offset;
  level.high = edges.back() + offset;
  const std::uint64_t low_key = order_key(level.low);
  const std::uint64_t high_key = order_key(level.high);
  while ((high_key >> level.shift) - (low_key >> level.shift) + 1 > max_buckets) ++level.shift;
  level.first_key = low_key >> level.shift;
  level.bucket_count = static_cast<std::uint32_t>((high_key >> level.shift) - level.first_key + 1);
  return level;
}

// Edges that share a bucket with 2 or more others: those left to deeper
// levels.
std::size_t crowded_edges(std::span<const double> edges, const RadixLevel& level) {
  std::size_t crowded = 0;
  for (std::size_t run_start = 0; run_start < edges.size();) {
    const std::size_t bucket = level.bucket_of(edges[run_start]);
    std::size_t run_end = run_start + 1;
    while (run_end < edges.size() && level.bucket_of(edges[run_end]) == bucket) ++run_end;
    if (run_end - run_start > 2) crowded += run_end - run_start;
    run_start = run_end;
  }
  return crowded;
}

// The candidate offsets: 0 (logarithmic scale), and those that move the
// edges to [s 2^-j, s (1 + 2^-j)] or its mirror, s the span of the edges:
// linear for j = 0, finer near the first (or last) edge as j grows.
// Offsets that overflow, or round an edge to infinity, are left out; -0.0
// becomes +0.0.
std::vector<double> candidate_offsets(std::span<const double> edges) {
  std::vector<double> offsets = {0.0};
  const double span = edges.back() - edges.front();
  if (!std::isfinite(span) || span == 0) return offsets;
  for (const int j : {0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32}) {
    const double margin = std::ldexp(span, -j);
    for (const double offset : {margin - edges.front(), -margin - edges.back()}) {
      if (std::isfinite(offset) && std::isfinite(edges.front() + offset) &&
          std::isfinite(edges.back() + offset)) {
        offsets.push_back(offset + 0.0);
      }
    }
  }
  return offsets;
}

// The candidate level that leaves the fewest edges to deeper levels (the
// first such). REQUIRES: edges non-empty.
RadixLevel best_level(std::span<const double> edges, std::size_t max_buckets) {
  RadixLevel best{};
  std::size_t best_crowded = std::numeric_limits<std::size_t>::max();
  for (const double offset : candidate_offsets(edges)) {
    const RadixLevel level = level_with_offset(edges, offset, max_buckets);
    const std::size_t crowded = crowded_edges(edges, level);
    if (crowded < best_crowded) {
      best = level;
      best_crowded = crowded;
    }
    if (crowded == 0) break;
  }
  return best;
}

}  // namespace

std::uint32_t radix_bin_in_sub_level(const RadixIndexView& index, std::uint16_t entry, double x) {
  for (;;) {
    const RadixLevel& level = index.levels[entry & ~kRadixSubLevel];
    if (level.bucket_count == 0) {
      const double* edges = index.edges;
      return static_cast<std::uint32_t>(std::upper_bound(edges + level.first, edges + level.end, x) -
                                        edges);
    }
    entry = index.entries[level.entries_begin + level.bucket_of(x)];
    if ((entry & kRadixSubLevel) == 0) return radix_bin_unless_sub_level(index, entry, x);
  }
}

RadixIndex::RadixIndex(std::span<const double> edges) {
  if (edges.size() + 1 >= kRadixSubLevel) {
    throw std::invalid_argument("RadixIndex: " + std::to_string(edges.size()) +
                                " edges, at most " + std::to_string(kRadixSubLevel - 2));
  }
  padded_edges_.assign(edges.begin(), edges.end());
  padded_edges_.insert(padded_edges_.end(), 3, std::numeric_limits<double>::quiet_NaN());
  if (edges.empty()) {
    // Every value in one bucket, bin 0; NaN's entry after it.
    RadixLevel root{};
    root.first_key = order_key(0.0);
    root.bucket_count = 1;
    levels_.push_back(root);
    entries_ = {0, 1};
    return;
  }
  add_level(0, edges.size(), std::min(wanted_buckets(edges.size()), kMaxRootBuckets), 0);
}

std::size_t RadixIndex::add_level(std::size_t first, std::size_t end, std::size_t max_buckets,
                                  int depth) {
  const std::span<const double> edges(padded_edges_.data() + first, end - first);
  RadixLevel level = best_level(edges, max_buckets);
  level.first = static_cast<std::uint32_t>(first);
  level.end = static_cast<std::uint32_t>(end);
  const std::size_t id = levels_.size();
  const bool separates = level.bucket_of(edges.front()) != level.bucket_of(edges.back());
  if (depth > 0 && (!separates || depth > kMaxDepth)) {
    level.bucket_count = 0;  // bisected
    levels_.push_back(level);
    return id;
  }
  // The root's table has NaN's entry after its buckets.
  const std::size_t entry_count = level.bucket_count + (depth == 0 ? 1 : 0);
  level.entries_begin = static_cast<std::uint32_t>(entries_.size());
  levels_.push_back(level);
  entries_.resize(entries_.size() + entry_count);
  if (depth == 0) entries_[level.entries_begin + level.bucket_count] = static_cast<std::uint16_t>(end + 1);

  // Each bucket's first edge, or its sub-level.
  std::size_t edge = first;
  for (std::size_t bucket = 0; bucket < level.bucket_count; ++bucket) {
    const std::size_t bucket_first = edge;
    while (edge < end && level.bucket_of(padded_edges_[edge]) == bucket) ++edge;
    std::uint16_t entry = static_cast<std::uint16_t>(bucket_first);
    if (edge - bucket_first > 2) {
      const std::size_t root_entries = levels_[0].bucket_count + std::size_t{1};
      const std::size_t room = kMaxSubLevelEntries - (entries_.size() - root_entries);
      const std::size_t sub_buckets = std::min(wanted_buckets(edge - bucket_first), room);
      // With no room left, one bucket: the sub-level is bisected.
      const std::size_t sub = add_level(bucket_first, edge, std::max<std::size_t>(sub_buckets, 1),
                                        depth + 1);
      entry = static_cast<std::uint16_t>(kRadixSubLevel | sub);
    }
    entries_[level.entries_begin + bucket] = entry;
  }
  return id;
}

RadixIndexView RadixIndex::view() const {
  return {levels_.data(), levels_.size(), entries_.data(), padded_edges_.data(),
          padded_edges_.size() - 3};
}

std::size_t RadixIndex::bucket_of(double x) const {
  return std::isnan(x) ? levels_[0].bucket_count : levels_[0].bucket_of(x);
}

std::uint32_t RadixIndex::bin_of(double x) const {
  const RadixIndexView index = view();
  const std::uint16_t entry = entries_[bucket_of(x)];
  return (entry & kRadixSubLevel) != 0 ? radix_bin_in_sub_level(index, entry, x)
                                       : radix_bin_unless_sub_level(index, entry, x);
}

std::size_t RadixIndex::memory_bytes() const {
  return padded_edges_.size() * sizeof(double) + levels_.size() * sizeof(RadixLevel) +
         entries_.size() * sizeof(std::uint16_t);
}

}  // namespace driftd
