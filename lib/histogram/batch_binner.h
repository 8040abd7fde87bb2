// Turns batches of numeric values into bin counts: the binner of the hot path.
//
// A BatchBinner is built once per feature from its NumericBinning. Each
// decoded column (a batch of doubles) then becomes bin counts (count), or
// one bin index per value for joint histograms (assign). The bin of x is the
// number of edges <= x (numeric_binning.h); NaN, a missing value, goes to
// one extra slot after the bins, index bin_count().
//
// Implementation: Highway kernels (batch_binner-inl.h) with runtime dispatch
// to the best target the CPU supports, chosen on the first call; under
// DRIFTD_SIMD=scalar, the scalar reference of scalar_binner.h instead. Both
// give identical results on every input; the tests compare them on every
// target the CPU supports. The SIMD search is a branchless binary search
// over the edges laid out breadth-first (Eytzinger order) as a complete tree
// padded with +inf: the shallow levels are looked up in registers, deeper
// ones gathered. A vector whose values all fall in the bin of the previous
// vector's last value is counted without searching.
//
// Guarantees: count() and assign() accept any doubles (NaN, +-inf, -0.0,
// subnormals), never allocate, and never throw except std::invalid_argument
// for spans of the wrong size, a programming error.
//
// Thread safety: immutable after construction; count() and assign() may run
// concurrently on one BatchBinner from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "histogram/numeric_binning.h"

namespace driftd {
namespace detail {

// The tables the SIMD kernels read: views into a BatchBinner.
struct BinSearchTables {
  // The padded edges breadth-first: tree level k holds nodes
  // [2^k - 1, 2^(k+1) - 1); node j of level k is sorted position
  // (2j + 1) * 2^(levels - k - 1) - 1. Positions past the last edge, and
  // tree_size - (2^levels - 1) slack entries after the tree, hold +inf.
  const double* tree;
  std::size_t tree_size;
  std::size_t levels;
  // -inf, the edges, +inf: bin b is [bin_bounds[b], bin_bounds[b + 1]).
  const double* bin_bounds;
  std::size_t edge_count;
};

}  // namespace detail

class BatchBinner {
 public:
  explicit BatchBinner(const NumericBinning& binning);

  std::size_t bin_count() const { return edges_.size() + 1; }
  // Where count() puts NaN values and assign() marks them.
  std::size_t missing_slot() const { return bin_count(); }

  // Adds the values into counts: counts[b] += number of values in bin b;
  // counts[missing_slot()] += number of NaN values.
  // REQUIRES: counts.size() == bin_count() + 1.
  void count(std::span<const double> values, std::span<std::uint64_t> counts) const;

  // bins_out[i] = the bin of values[i], or missing_slot() for NaN.
  // REQUIRES: bins_out.size() == values.size().
  void assign(std::span<const double> values, std::span<std::uint32_t> bins_out) const;

  // The code count() and assign() run now: "scalar" under DRIFTD_SIMD=scalar,
  // else the Highway target's name ("AVX3", "AVX2", "SSE4", ...).
  static std::string_view implementation();

 private:
  detail::BinSearchTables tables() const;

  // All immutable after construction.
  std::vector<double> edges_;
  std::vector<double> tree_;
  std::vector<double> bin_bounds_;
  std::size_t tree_levels_;
};

}  // namespace driftd
