#include "pipeline/group_moments.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <utility>
#include <vector>

namespace driftd {
namespace {

// round_to_int64(y) as the uint64 word the sums add (two's complement), by
// the same trick on bit patterns: y + 1.5 * 2^52 holds round(y) in its low
// mantissa bits (ties to even), and subtracting the pattern of 1.5 * 2^52
// leaves it. Double and integer arithmetic only, so loops of it vectorize.
// REQUIRES: |y| < 2^51 (here at most kMaxZ^2 * 2^16 < 2^43).
inline uint64_t rounded_bits(double y) {
  constexpr double kShift = 6755399441055744.0;  // 1.5 * 2^52
  return std::bit_cast<uint64_t>(y + kShift) - std::bit_cast<uint64_t>(kShift);
}

}  // namespace

// On x86-64, compiled twice and picked at load time: with AVX2 where the CPU
// has it (4 doubles a vector), and for the baseline (2). The arithmetic is
// exact or correctly rounded element by element, so both give the same sums.
// Not under ThreadSanitizer: the picking is an ifunc resolver that the
// dynamic loader runs before TSan's runtime is set up, and TSan instruments
// it (it crashed every TSan binary at load on a host where it ran).
// GCC says ThreadSanitizer with __SANITIZE_THREAD__, clang with __has_feature.
#if defined(__SANITIZE_THREAD__)
#define DRIFTD_UNDER_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define DRIFTD_UNDER_THREAD_SANITIZER 1
#endif
#endif
#if defined(__x86_64__) && !defined(DRIFTD_UNDER_THREAD_SANITIZER)
#define DRIFTD_GROUP_MOMENTS_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DRIFTD_GROUP_MOMENTS_CLONES
#endif
DRIFTD_GROUP_MOMENTS_CLONES
void add_group_moments(std::span<const std::span<const double>> columns,
                       std::span<const Standardisation> standards, std::span<uint64_t> sums,
                       std::span<double> scratch) {
  const std::size_t d = columns.size();
  const std::size_t rows = d == 0 ? 0 : columns[0].size();
  // Two's complement: unsigned wrapping addition is exactly signed addition.
  uint64_t* const count = sums.data();
  uint64_t* const linear = count + 1;
  uint64_t* const cross = linear + d;
  std::array<bool, kGroupChunkRows> complete;
  for (std::size_t first = 0; first < rows; first += kGroupChunkRows) {
    const std::size_t chunk = std::min(kGroupChunkRows, rows - first);
    complete.fill(true);
    for (std::size_t i = 0; i < d; ++i) {
      const double* x = columns[i].data() + first;
      for (std::size_t r = 0; r < chunk; ++r) complete[r] = complete[r] && std::isfinite(x[r]);
    }
    for (std::size_t r = 0; r < chunk; ++r) *count += complete[r] ? 1 : 0;
    // s = z * 2^16, 0 for an incomplete row (it then adds 0 to every sum).
    for (std::size_t i = 0; i < d; ++i) {
      const double* x = columns[i].data() + first;
      double* s = scratch.data() + i * kGroupChunkRows;
      const double inverse_scale = 1.0 / standards[i].scale;
      for (std::size_t r = 0; r < chunk; ++r) {
        double z = (x[r] - standards[i].shift) * inverse_scale;
        z = z < -kMaxZ ? -kMaxZ : (z > kMaxZ ? kMaxZ : z);
        s[r] = complete[r] ? z * kMomentResolution : 0.0;
      }
    }
    // round(z_i 2^16) and round(z_i z_j 2^16) = round(s_i s_j 2^-16): the
    // power of two scales exactly, so these are the documented roundings.
    constexpr double kInverseResolution = 1.0 / kMomentResolution;
    std::size_t cell = 0;
    for (std::size_t i = 0; i < d; ++i) {
      const double* s_i = scratch.data() + i * kGroupChunkRows;
      uint64_t sum = 0;
      for (std::size_t r = 0; r < chunk; ++r) sum += rounded_bits(s_i[r]);
      linear[i] += sum;
      for (std::size_t j = i; j < d; ++j) {
        const double* s_j = scratch.data() + j * kGroupChunkRows;
        uint64_t product_sum = 0;
        for (std::size_t r = 0; r < chunk; ++r) {
          product_sum += rounded_bits(s_i[r] * s_j[r] * kInverseResolution);
        }
        cross[cell++] += product_sum;
      }
    }
  }
}

MomentAccumulator group_moments_from_sums(std::span<const uint64_t> sums,
                                          std::span<const Standardisation> standards) {
  const std::size_t d = standards.size();
  const uint64_t count = sums[0];
  std::vector<double> shift(d);
  std::vector<double> offset(d, 0.0);  // the window's mean minus the shift
  std::vector<double> comoment(d * d, 0.0);
  const auto value = [](uint64_t word) {
    return static_cast<double>(static_cast<int64_t>(word)) / kMomentResolution;
  };
  const double n = static_cast<double>(count);
  std::vector<double> mean_z(d, 0.0);
  for (std::size_t i = 0; i < d; ++i) {
    shift[i] = standards[i].shift;
    if (count > 0) mean_z[i] = value(sums[1 + i]) / n;
    offset[i] = mean_z[i] * standards[i].scale;
  }
  if (count >= 2) {
    std::size_t cell = 1 + d;
    for (std::size_t i = 0; i < d; ++i) {
      for (std::size_t j = i; j < d; ++j) {
        double co_moment = (value(sums[cell++]) - n * mean_z[i] * mean_z[j]) *
                           standards[i].scale * standards[j].scale;
        if (i == j) co_moment = std::fmax(0.0, co_moment);  // rounding cannot make it negative
        comoment[i * d + j] = co_moment;
        comoment[j * d + i] = co_moment;
      }
    }
  }
  return MomentAccumulator::from_moments(count, std::move(shift), std::move(offset),
                                         std::move(comoment));
}

}  // namespace driftd
