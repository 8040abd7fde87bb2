// Mean vector and covariance matrix of a group of d numeric features in a
// window, accumulated as integer sums that add up exactly in the lock-free
// recorder's uint64 counters, in any order, on any number of threads: the
// multivariate form of fixed_point_moments.h, for the Gaussian KL of a group.
//
// A row counts only when all d values are finite (complete cases: the mean
// and the covariance come from the same rows). Each value is standardised
// against its feature's reference, z_i = (x_i - shift_i) / scale_i, clamped
// to +-kMaxZ; the row adds 1 to the count, round(z_i * 2^16) to sum_i and
// round(z_i * z_j * 2^16) to the cross sum of (i, j), i <= j (to nearest,
// ties to even; two's complement in uint64 words). Standardising first keeps
// the sums exact for values with large offsets (timestamps, amounts in the
// millions): the precision is 2^-16 reference standard deviations per value
// whatever the offset. 2^20 rows at the clamp cannot overflow.
//
// The sums, group_sum_words(d) words: [count, sum_0 .. sum_{d-1}, the cross
// sums of the upper triangle row by row: (0,0) (0,1) .. (0,d-1) (1,1) ..].
//
// Thread safety: plain functions and values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "config/config.h"
#include "gaussian/moments.h"
#include "pipeline/fixed_point_moments.h"

namespace driftd {

using config::kMaxGroupFeatures;  // the configured limit is the kernel's limit

inline constexpr std::size_t group_sum_words(std::size_t dimension) {
  return 1 + dimension + dimension * (dimension + 1) / 2;
}

// Rows are taken kGroupChunkRows at a time: the caller's scratch holds one
// chunk's standard scores, column by column, so each sum is one pass over
// contiguous values (vectorized) instead of a memory update per row.
inline constexpr std::size_t kGroupChunkRows = 256;
inline constexpr std::size_t group_scratch_size(std::size_t dimension) {
  return dimension * kGroupChunkRows;
}

// Adds the complete rows of `columns` (d spans of one length: the group's
// values, NaN = missing) to `sums`. REQUIRES: 1 <= d <= kMaxGroupFeatures,
// standards.size() == d, sums.size() == group_sum_words(d),
// scratch.size() >= group_scratch_size(d). Never allocates.
void add_group_moments(std::span<const std::span<const double>> columns,
                       std::span<const Standardisation> standards, std::span<uint64_t> sums,
                       std::span<double> scratch);

// The moments the sums stand for, in the original units, as an accumulator
// of the complete rows (lib/gaussian/moments.h: mean(), covariance() with
// ddof = 1, exactly symmetric). Its mean is kept as the standardisation's
// shift plus the window's offset from it, so a window and a reference near
// 1.7e12 differ by as much precision as at 0. REQUIRES: as for
// add_group_moments.
MomentAccumulator group_moments_from_sums(std::span<const uint64_t> sums,
                                          std::span<const Standardisation> standards);

}  // namespace driftd
