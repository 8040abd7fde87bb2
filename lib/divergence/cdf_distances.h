// The two-sample Kolmogorov-Smirnov statistic and the Wasserstein-1
// distance between the reference's and the current's numeric values, from
// their counts on a fine grid of cells, with the largest error the grid can
// hide (driftctl compare, next to the binned measures; docs/metrics.md,
// "Distances on the value scale").
//
// The grid's edges e_1 < ... < e_{G-1} cut the line into G cells (cell 0 is
// below e_1, cell G-1 from e_{G-1} up; a cell holds x with e_k <= x <
// e_{k+1}, as numeric bins do). Each side gives, per cell, the count of its
// finite values there and the sum of their offsets from the cell's anchor:
// its lower edge, or for cell 0 its upper edge e_1 (0 without edges)
// (GridTally, cli/value_grid.h). At every edge both empirical CDFs are known
// exactly, and with the offsets so is the integral of each CDF over a cell:
//   ks = max over edges of |F_ref(e) - F_cur(e)|, a lower bound of the
//     exact statistic sup_x |F_ref(x) - F_cur(x)|; inside cell k, where
//     F_ref rises by p_k and F_cur by q_k, the gap is at most
//     max(d_k + p_k, q_k - d_k) (d_k the signed gap at the cell's lower
//     edge): ks_error_bound is how far above ks the largest of these is.
//   wasserstein = integral of |F_ref - F_cur| (the end cells end at the
//     smallest and largest finite value of either side). In a cell where the
//     gap cannot change sign (d_k - q_k >= 0 or d_k + p_k <= 0) it is the
//     absolute value of the cell's exact integral of F_ref - F_cur; in a
//     cell where it can, the integral I and the gap's range [g-, g+] bound it
//     to [|I|, min(2 g+ w - I, 2 |g-| w + I)] (w the cell's width): the
//     estimate is |I| unless the gaps at the cell's two edges differ in sign,
//     then the integral of |gap| taken as linear between them (clamped to
//     the interval); wasserstein_error_bound adds up the larger distance
//     from the estimate to either end. Exact when no cell can change sign.
//   ks_p_value: the asymptotic two-sided p-value of ks for samples of n and
//     m values, Kolmogorov's limiting distribution at
//     (sqrt(en) + 0.12 + 0.11 / sqrt(en)) ks, en = n m / (n + m) (Stephens'
//     small-sample correction).
// With G cells at reference quantiles ks_error_bound is about 1/G.
//
// Thread safety: a pure function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace driftd {

struct ValueRange {
  double min;
  double max;
};

struct CdfDistances {
  double ks;
  double ks_error_bound;
  double ks_p_value;
  double wasserstein;
  double wasserstein_error_bound;
};

// One side's finite values on the grid: per cell, their count and the sum
// of their offsets from the cell's anchor.
struct GridSide {
  std::span<const uint64_t> counts;
  std::span<const double> offsets;
  ValueRange range;  // of the side's finite values
};

// The anchor of cell k (above).
double grid_anchor(std::span<const double> edges, std::size_t cell);

// REQUIRES: each side's counts and offsets have edges.size() + 1 entries;
// edges sorted and finite; both sides have a finite value.
CdfDistances cdf_distances(std::span<const double> edges, const GridSide& reference,
                           const GridSide& current);

// Kolmogorov's limiting distribution: P(K > lambda) = 2 sum_{j >= 1}
// (-1)^(j-1) exp(-2 j^2 lambda^2); 1 for lambda <= 0.
double kolmogorov_survival(double lambda);

}  // namespace driftd
