// Mean and variance of a numeric feature in a window, accumulated as two
// integer sums so that they add up exactly in the lock-free recorder's uint64
// counters, in any order, on any number of threads or machines.
//
// Each value x is standardised against the reference, z = (x - shift) /
// scale, clamped to +-kMaxZ, and contributes round(z * 2^16) and
// round(z^2 * 2^16) (to nearest, ties to even) to two int64 sums (stored as
// two's complement in uint64, where wrapping addition is exactly signed
// addition). Resolution: 2^-16 reference standard deviations per value; a
// window of 2^20 values at the clamp cannot overflow
// (each adds at most kMaxZ^2 * 2^16 < 2^42.6 to sum_z2). The clamp at 10^4
// standard deviations only touches values that are absurd for the reference
// (docs/schema.md).
//
// Thread safety: plain functions and values.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>

namespace driftd {

struct Standardisation {
  double shift = 0;  // the reference mean
  double scale = 1;  // the reference standard deviation (1 when it is 0)
};

struct MomentSums {
  uint64_t sum_z = 0;   // int64 in two's complement
  uint64_t sum_z2 = 0;  // int64 in two's complement
};

inline constexpr double kMomentResolution = 65536.0;  // 2^16
inline constexpr double kMaxZ = 1e4;

// y rounded to the nearest integer, ties to even. REQUIRES: |y| < 2^51 (here
// at most kMaxZ^2 * 2^16 < 2^43). Adding 1.5 * 2^52 leaves no bit below the
// units, so the hardware's rounding does it, inline (llround is a libm
// call, a tenth of the recorder's time on the hot path).
inline int64_t round_to_int64(double y) {
  constexpr double kShift = 6755399441055744.0;  // 1.5 * 2^52
  return static_cast<int64_t>((y + kShift) - kShift);
}

// Adds the finite values of `values` (NaN are skipped) to `sums`.
inline void add_moments(std::span<const double> values, const Standardisation& standard,
                        MomentSums& sums) {
  const double inverse_scale = 1.0 / standard.scale;
  int64_t sum_z = 0;
  int64_t sum_z2 = 0;
  for (double x : values) {
    if (!std::isfinite(x)) continue;
    double z = (x - standard.shift) * inverse_scale;
    z = z < -kMaxZ ? -kMaxZ : (z > kMaxZ ? kMaxZ : z);
    sum_z += round_to_int64(z * kMomentResolution);
    sum_z2 += round_to_int64(z * z * kMomentResolution);
  }
  sums.sum_z += static_cast<uint64_t>(sum_z);
  sums.sum_z2 += static_cast<uint64_t>(sum_z2);
}

struct MeanVariance {
  double mean;
  double variance;  // sample variance, ddof = 1
};

// The window's mean and sample variance (ddof = 1) in the original units.
// REQUIRES: n >= 2.
inline MeanVariance moments_from_sums(const MomentSums& sums, uint64_t n,
                                      const Standardisation& standard) {
  const double sum_z = static_cast<double>(static_cast<int64_t>(sums.sum_z)) / kMomentResolution;
  const double sum_z2 = static_cast<double>(static_cast<int64_t>(sums.sum_z2)) / kMomentResolution;
  const double count = static_cast<double>(n);
  const double mean_z = sum_z / count;
  const double variance_z = std::fmax(0.0, (sum_z2 - count * mean_z * mean_z) / (count - 1));
  return {standard.shift + mean_z * standard.scale, variance_z * standard.scale * standard.scale};
}

}  // namespace driftd
