// A fine grid over a numeric column, for the value-scale distances of
// driftctl compare (divergence/cdf_distances.h: KS and Wasserstein): its
// cells' counts of finite values and the sums of their offsets from each
// cell's anchor (grid_anchor), tallied chunk by chunk.
//
// Thread safety: a ValueGrid is immutable after construction and may tally
// on any number of threads at once, each into its own GridTally.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "divergence/cdf_distances.h"
#include "histogram/batch_binner.h"
#include "histogram/numeric_binning.h"

namespace driftd::cli {

struct GridTally {
  std::vector<uint64_t> counts;  // per cell
  std::vector<double> offsets;   // per cell
  ValueRange range{0, 0};        // of the finite values, when any
  uint64_t values = 0;           // finite values tallied: the sum of counts

  bool empty() const { return values == 0; }
  GridSide side() const { return {counts, offsets, range}; }
};

class ValueGrid {
 public:
  explicit ValueGrid(NumericBinning cells);

  const NumericBinning& cells() const { return cells_; }
  const BatchBinner& binner() const { return binner_; }
  GridTally empty_tally() const;
  // Adds the finite values of `values`, whose cells binner() assigned (NaN
  // and +-inf are left out).
  void tally(std::span<const double> values, std::span<const uint32_t> cells,
             GridTally& tally) const;
  // Bins `values` and tallies them.
  void tally(std::span<const double> values, GridTally& tally) const;

 private:
  NumericBinning cells_;
  BatchBinner binner_;
  std::vector<double> anchors_;  // per cell
};

// A grid of at most max_cells cells (<= 2,047) at the quantiles of an even
// subsample of the finite values (every k-th, 8 per cell at most), a value
// that fills a cell on its own getting the cell [v, nextafter(v)) alone.
ValueGrid grid_from_values(std::span<const double> values, std::size_t max_cells);

}  // namespace driftd::cli
