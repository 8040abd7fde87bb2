// Numeric bins: sorted interior edges that split the real line.
//
// Edges e_1 <= ... <= e_m make m + 1 bins: bin 0 is (-inf, e_1), bin k is
// [e_k, e_k+1), bin m is [e_m, +inf). The bin of a value x is the number of
// edges <= x (numpy.searchsorted(edges, x, side="right")), so -inf lands in
// bin 0 and +inf in bin m. NaN is never binned: it is a missing value, which
// BatchBinner counts in a slot of its own. No edges means one bin, the whole
// line. The binning definitions are those of docs/metrics.md, "Binning".
//
// Factories:
//  - quantile(reference, B): the edges are the reference quantiles at i/B,
//    i = 1..B-1, computed as numpy.quantile's default (linear) method does,
//    operation for operation, with duplicates removed. A value e that the
//    quantiles hit more than once (a point mass, holding about 1/B of the
//    reference or more) also gets the edge nextafter(e, +inf), so its bin
//    [e, nextafter(e)) holds e alone and a zero-inflated feature is not one
//    bin ("[0, 5e-324)"); when that edge is the next quantile it is there
//    once. Still bin_count() <= B: c >= 2 equal quantiles give 2 edges and a
//    lone one gives 1, so the B - 1 quantiles give at most B - 1 edges, all
//    distinct (no bin is an empty interval [e, e)). A mass at DBL_MAX gets
//    no edge above it (nextafter is +inf and edges are finite): it shares
//    [DBL_MAX, +inf) with +inf, where numpy's recipe would give +inf a bin
//    of its own.
//  - uniform(reference, B): B equal-width bins between the reference minimum
//    and maximum, the end bins open-ended: the edges are
//    numpy.linspace(min, max, B + 1)[1:-1] (duplicates removed, which only
//    happens when the range is a few ulps wide). A constant reference
//    (min == max) has no width to divide and gives one bin.
//  - explicit_edges(edges): the user's edges, as given. Duplicated edges are
//    allowed and simply make empty bins ([2, 2) holds nothing).
// Only finite reference values shape the edges: NaN (missing) and +-inf are
// left out of the estimation, so edges are always finite. Infinite values
// are still counted, in the end bins. Where numpy would overflow (neighbours
// more than DBL_MAX apart), the overflow-free form a(1-t) + bt is used.
//
// Invariants: 1 <= bin_count() <= kMaxNumericBins; edges are finite and
// non-decreasing; no edge is -0.0 (normalised to +0.0, which bins the same
// and keeps labels and fingerprints canonical).
//
// Errors: invalid arguments throw driftd::InputError ("bins must be between
// 1 and 4096, got 0", "edges are not sorted: edges[3]=1 < edges[2]=2",
// "reference has no finite values").
//
// Thread safety: immutable after construction; share freely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "histogram/bin_layout.h"

namespace driftd {

inline constexpr std::size_t kMaxNumericBins = 4096;
static_assert(kMaxNumericBins <= kMaxLayoutBins);

class NumericBinning {
 public:
  // REQUIRES: 1 <= bins <= kMaxNumericBins; a finite value in reference.
  static NumericBinning quantile(std::span<const double> reference, std::size_t bins);
  // quantile() in two steps, for a reference too large to hold: the ranks
  // (0-based, in the sorted finite values) whose values the edges need,
  // sorted and distinct; then the binning from the values at those ranks,
  // in that order. REQUIRES: 1 <= bins <= kMaxNumericBins; finite >= 1.
  static std::vector<std::size_t> quantile_ranks(std::size_t finite, std::size_t bins);
  static NumericBinning quantile_at_ranks(std::size_t finite, std::size_t bins,
                                          std::span<const double> values);
  // REQUIRES: 1 <= bins <= kMaxNumericBins; a finite value in reference.
  static NumericBinning uniform(std::span<const double> reference, std::size_t bins);
  // uniform() from the reference's finite minimum and maximum.
  // REQUIRES: 1 <= bins <= kMaxNumericBins; min <= max, both finite.
  static NumericBinning uniform_between(double min, double max, std::size_t bins);
  // REQUIRES: edges finite and sorted; edges.size() < kMaxNumericBins.
  static NumericBinning explicit_edges(std::span<const double> edges);

  std::span<const double> edges() const { return edges_; }
  std::size_t bin_count() const { return edges_.size() + 1; }

  // "(-inf, 1.5)", "[1.5, 2.25)", "[2.25, +inf)"; numbers in their shortest
  // round-trip form. REQUIRES: bin < bin_count() (else std::out_of_range).
  std::string label(std::size_t bin) const;

  BinLayout layout() const;

 private:
  explicit NumericBinning(std::vector<double> edges);

  std::vector<double> edges_;
  std::uint64_t fingerprint_;
};

}  // namespace driftd
