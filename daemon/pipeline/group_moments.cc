#include "pipeline/group_moments.h"

#include <array>
#include <cmath>

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

GroupMoments group_moments_from_sums(std::span<const uint64_t> sums,
                                     std::span<const Standardisation> standards) {
  const std::size_t d = standards.size();
  GroupMoments out;
  out.n = sums[0];
  out.mean.assign(d, 0.0);
  out.covariance.assign(d * d, 0.0);
  if (out.n == 0) return out;
  const auto value = [](uint64_t word) {
    return static_cast<double>(static_cast<int64_t>(word)) / kMomentResolution;
  };
  const double n = static_cast<double>(out.n);
  std::vector<double> mean_z(d);
  for (std::size_t i = 0; i < d; ++i) {
    mean_z[i] = value(sums[1 + i]) / n;
    out.mean[i] = standards[i].shift + mean_z[i] * standards[i].scale;
  }
  if (out.n < 2) return out;
  std::size_t cell = 1 + d;
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t j = i; j < d; ++j) {
      const double co_moment_z = value(sums[cell++]) - n * mean_z[i] * mean_z[j];
      double covariance = co_moment_z / (n - 1) * standards[i].scale * standards[j].scale;
      if (i == j) covariance = std::fmax(0.0, covariance);  // rounding cannot make it negative
      out.covariance[i * d + j] = covariance;
      out.covariance[j * d + i] = covariance;
    }
  }
  return out;
}

}  // namespace driftd
