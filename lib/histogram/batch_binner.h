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
// target the CPU supports. The SIMD search goes through a RadixIndex
// (radix_index.h), built once here: a table look-up on the high bits of a
// value's order-preserving integer form leaves one or two candidate edges,
// then branchless comparisons (buckets crowded with edges have sub-levels of
// their own). A vector whose values all fall in the bin of the last value of
// the previous block is counted without searching.
//
// Memory: the edges twice (the bin bounds and the index's candidates,
// 8 x (2 x bins + 3) bytes) and the index's tables (radix_index.h): about
// 1.6 KiB for 64 bins; for 4,096 bins 96 KiB plus at most 32 KiB of
// sub-levels.
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
#include "histogram/radix_index.h"

namespace driftd {
namespace detail {

// What the SIMD kernels read: views into a BatchBinner.
struct BinnerTables {
  RadixIndexView index;
  // -inf, the edges, +inf: bin b is [bin_bounds[b], bin_bounds[b + 1]).
  const double* bin_bounds;
};

}  // namespace detail

class BatchBinner {
 public:
  explicit BatchBinner(const NumericBinning& binning);

  std::size_t bin_count() const { return bin_bounds_.size() - 1; }
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
  detail::BinnerTables tables() const;

  // The edges: bin_bounds_ without its first and last entries.
  std::span<const double> edges() const;

  // All immutable after construction.
  std::vector<double> bin_bounds_;
  RadixIndex index_;
};

}  // namespace driftd
