// RadixIndex: tables, built once per binning, that narrow any double to the
// one or two edges that can decide its bin, so that a search costs a table
// look-up and two comparisons instead of log2(edges) dependent steps. The
// SIMD kernels of BatchBinner (batch_binner-inl.h) run it; bin_of() is the
// same search for one value.
//
// One level: f(x) = (key(clamp(x + offset, low, high)) >> shift) - first_key
// is the bucket of x, where key() is the order-preserving integer form of a
// double (order_key.h: sign bit flipped for x >= 0, every bit for x < 0) and
// low, high = the level's first and last edge + offset. Every step is
// monotone (rounded addition included), so f is non-decreasing in x, and
// -0.0 + offset equals +0.0 + offset, so -0.0 and +0.0 share a bucket.
// Hence, for x in bucket b, every edge of an earlier bucket is < x and
// every edge of a later bucket is > x: the bin of x (the number of edges
// <= x) is first(b) + the number of edges of bucket b that are <= x, where
// first(b) counts the edges before bucket b. Clamping sends -inf and
// everything below the level's first edge to its bucket 0, +inf and
// everything above its last edge to its last bucket.
//
// A bucket with at most 2 edges is settled by comparing x with
// edges[first(b)] and edges[first(b) + 1]: an edge of a later bucket, or
// the NaN padding after the edges, compares false. A bucket with 3 or more
// edges (edges a few ulps apart, a far cluster, duplicated edges) gets a
// level of its own over its edges, with a scale chosen for them, and so on
// (tables at most kMaxDepth levels down); edges no scale can separate
// (equal, or past the limits) are bisected. Every path gives exactly std::upper_bound's
// answer, for every double. NaN has a bucket of its own after the root's,
// whose first() is the missing slot (edge_count + 1).
//
// Each level's offset and shift are chosen among linear (offset moves the
// edges into one or two binades, where key() is linear in x), logarithmic
// (offset 0: key() is about log2 |x|, for heavy tails) and in-between
// scales, to leave the fewest edges to deeper levels; shift makes a level
// of e edges hold at most max(16, bit_ceil(4 x (e + 1))) buckets, the root
// at most 16,384. Quantile bins of normal, lognormal, exponential,
// zero-inflated and uniform data need the root alone (up to 1,024 bins;
// the tails of 4,096 may need a few sub-levels).
//
// Memory per binning: 2 bytes per bucket (the root's at most
// 2 x (min(max(16, bit_ceil(4 x bins)), 16,384) + 1) bytes: 514 bytes for
// 64 bins, 32 KiB for 4,096; deeper levels' at most 32 KiB more in all), a
// RadixLevel (56 bytes) per level, and the edges again with 3 NaN of padding
// (8 x (bins + 2) bytes).
//
// Thread safety: immutable after construction; share freely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "histogram/order_key.h"

namespace driftd {

// An entry is first(b), or kRadixSubLevel | the index of the level that
// settles bucket b.
inline constexpr std::uint16_t kRadixSubLevel = 0x8000;

// One level of the index: f(x) of the header comment over edges
// [first, end).
struct RadixLevel {
  double offset;
  double low;
  double high;
  std::uint64_t first_key;
  unsigned shift;
  std::uint32_t bucket_count;   // 0: no table, the edges are bisected
  std::uint32_t entries_begin;  // its buckets' entries in RadixIndexView::entries
  std::uint32_t first;
  std::uint32_t end;

  // f(x) for x not NaN. The kernels compute it lane-wise with Min and Max,
  // which agree with these comparisons for every non-NaN y.
  std::size_t bucket_of(double x) const {
    double y = x + offset;
    y = y < low ? low : y;
    y = y > high ? high : y;
    return static_cast<std::size_t>((order_key(y) >> shift) - first_key);
  }
};

// What the kernels read: a view into a RadixIndex.
struct RadixIndexView {
  // levels[0] is the root: its entries are entries[0, root.bucket_count],
  // the last of them NaN's (first = edge_count + 1, the missing slot).
  const RadixLevel* levels;
  std::size_t level_count;
  const std::uint16_t* entries;
  // The edges, then 3 NaN: edges[first] and edges[first + 1] exist for every
  // first up to edge_count + 1.
  const double* edges;
  std::size_t edge_count;
};

// The bin of x from its bucket's entry, which is first(b) (not a
// sub-level's).
inline std::uint32_t radix_bin_in_bucket(const RadixIndexView& index, std::uint16_t first,
                                         double x) {
  const double* candidates = index.edges + first;
  return first + static_cast<std::uint32_t>(candidates[0] <= x) +
         static_cast<std::uint32_t>(candidates[1] <= x);
}

// radix_bin_in_bucket() of any entry: for a sub-level's, a provisional bin
// (of first = 0), for radix_bin_in_sub_level() to replace. Without
// branches, so that loops over values whose buckets mix both kinds do not
// mispredict.
inline std::uint32_t radix_bin_unless_sub_level(const RadixIndexView& index,
                                                std::uint16_t entry, double x) {
  return radix_bin_in_bucket(index, entry & static_cast<std::uint16_t>((entry >> 15) - 1), x);
}

// The bin of x, not NaN, whose bucket's entry names a sub-level.
std::uint32_t radix_bin_in_sub_level(const RadixIndexView& index, std::uint16_t entry, double x);

class RadixIndex {
 public:
  // Levels below the root, at most.
  static constexpr int kMaxDepth = 4;

  // REQUIRES: edges finite, sorted, none -0.0 (NumericBinning's
  // invariants), fewer than 2^15 - 1 of them.
  explicit RadixIndex(std::span<const double> edges);

  RadixIndexView view() const;

  // The root's f(x), or its NaN bucket for NaN: what the kernels compute
  // lane-wise.
  std::size_t bucket_of(double x) const;
  // The number of edges <= x, or edge_count + 1 for NaN, through the tables.
  std::uint32_t bin_of(double x) const;

  // Levels below the root (for tests and benchmarks: whether a binning
  // exercises them).
  std::size_t sub_levels() const { return levels_.size() - 1; }
  // The tables and the padded edges, in bytes.
  std::size_t memory_bytes() const;

 private:
  // Appends the level over padded_edges_[first, end) and its sub-levels;
  // returns its index.
  std::size_t add_level(std::size_t first, std::size_t end, std::size_t max_buckets, int depth);

  // All immutable after construction.
  std::vector<double> padded_edges_;  // the edges, then 3 NaN
  std::vector<RadixLevel> levels_;
  std::vector<std::uint16_t> entries_;
};

}  // namespace driftd
