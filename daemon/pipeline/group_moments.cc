#include "pipeline/group_moments.h"

#include <array>
#include <cmath>
#include <utility>
#include <vector>

namespace driftd {

void add_group_moments(std::span<const std::span<const double>> columns,
                       std::span<const Standardisation> standards, std::span<uint64_t> sums) {
  const std::size_t d = columns.size();
  const std::size_t rows = d == 0 ? 0 : columns[0].size();
  std::array<double, kMaxGroupFeatures> inverse_scale;
  for (std::size_t i = 0; i < d; ++i) inverse_scale[i] = 1.0 / standards[i].scale;
  std::array<double, kMaxGroupFeatures> z;
  // Two's complement: unsigned wrapping addition is exactly signed addition.
  uint64_t* const count = sums.data();
  uint64_t* const linear = count + 1;
  uint64_t* const cross = linear + d;
  for (std::size_t row = 0; row < rows; ++row) {
    bool complete = true;
    for (std::size_t i = 0; i < d; ++i) {
      const double x = columns[i][row];
      complete = complete && std::isfinite(x);
      const double value = (x - standards[i].shift) * inverse_scale[i];
      z[i] = value < -kMaxZ ? -kMaxZ : (value > kMaxZ ? kMaxZ : value);
    }
    if (!complete) continue;
    ++*count;
    std::size_t cell = 0;
    for (std::size_t i = 0; i < d; ++i) {
      linear[i] += static_cast<uint64_t>(round_to_int64(z[i] * kMomentResolution));
      const double scaled = z[i] * kMomentResolution;
      for (std::size_t j = i; j < d; ++j) {
        cross[cell++] += static_cast<uint64_t>(round_to_int64(scaled * z[j]));
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
