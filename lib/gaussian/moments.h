// Streaming mean and covariance of numeric features: the sufficient
// statistics behind the Gaussian KL (gaussian/gaussian_kl.h).
//
// BasicMomentAccumulator<Dim> keeps, for rows of Dim numbers, the count n,
// the mean vector and the co-moment matrix C = sum_k (x_k - mean)(x_k - mean)^T.
// Two spellings are meant to be used:
//   MomentAccumulator  - a group of d features, d chosen at run time.
//   UnivariateMoments  - one feature (d = 1): 32 bytes, no heap, add(double).
// Both are the same template, so the update and merge formulas exist once.
//
// Guarantees:
// - add() is Welford's update, merge() is Chan, Golub and LeVeque's pairwise
//   combination. Accumulators filled from any partition of the rows (other
//   threads, other machines) and merged in any order hold the same moments as
//   one pass over all rows, up to rounding (tests check 1e-12 relative).
// - Numerically stable at large offsets: moments are accumulated about the
//   first row added, so for values near 1e9 with unit variance the
//   covariance is as precise as at offset 0 and the mean within rounding of
//   its last digit, however many rows are added (a running mean rounded at
//   every add drifts like sqrt(n) ulps; sum-of-squares formulas lose
//   everything). This assumes the first row is of the data's magnitude, not
//   a wild outlier; if it is not, accuracy falls back to plain Welford.
//   mean_difference() subtracts two accumulators' means with the offset
//   cancelled first, so it keeps that precision too; subtracting two mean()
//   values keeps only what survives their rounding (ulp(1.7e12) is 2.4e-4).
// - covariance() is the SAMPLE covariance, C / (n - 1) (ddof = 1, as
//   numpy.cov), and is exactly symmetric.
// - add() never allocates or throws.
//
// Thread safety: none inside. Distinct accumulators may be used from
// distinct threads; one accumulator needs external synchronization if any
// thread mutates it. The intended pattern is one accumulator per thread,
// combined with merge() afterwards.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/error.h"

namespace driftd {

// Dim: the number of features, or std::dynamic_extent for a count chosen at
// construction.
template <std::size_t Dim>
class BasicMomentAccumulator {
  static constexpr bool kDynamic = Dim == std::dynamic_extent;

 public:
  // A d-vector and a row-major d x d matrix: inline arrays for a fixed Dim,
  // heap vectors for a dynamic one.
  using Vector = std::conditional_t<kDynamic, std::vector<double>,
                                    std::array<double, kDynamic ? 1 : Dim>>;
  using Matrix = std::conditional_t<kDynamic, std::vector<double>,
                                    std::array<double, kDynamic ? 1 : Dim * Dim>>;

  BasicMomentAccumulator()
    requires(!kDynamic)
  = default;

  // Throws InputError when dimension is 0.
  explicit BasicMomentAccumulator(std::size_t dimension)
    requires(kDynamic)
      : shift_(dimension, 0.0),
        shifted_mean_(dimension, 0.0),
        comoment_(dimension * dimension, 0.0) {
    if (dimension == 0) throw InputError("a moment accumulator needs at least one feature");
  }

  // An accumulator that holds `count` rows with mean shift + shifted_mean and
  // co-moment matrix `comoment` (row-major d x d), as if they had been added:
  // for moments kept elsewhere, such as a window's fixed-point sums. The mean
  // stays split as given, so a large offset in `shift` costs shifted_mean no
  // precision (as for rows added). Throws InputError when the sizes are not
  // d and d x d for d >= 1.
  static BasicMomentAccumulator from_moments(std::uint64_t count, Vector shift,
                                             Vector shifted_mean, Matrix comoment)
    requires(kDynamic)
  {
    const std::size_t d = shift.size();
    if (d == 0 || shifted_mean.size() != d || comoment.size() != d * d) {
      throw InputError("moments of d features need d means and a d x d co-moment matrix");
    }
    BasicMomentAccumulator out(d);
    out.count_ = count;
    out.shift_ = std::move(shift);
    out.shifted_mean_ = std::move(shifted_mean);
    out.comoment_ = std::move(comoment);
    return out;
  }

  // Adds one row.
  // REQUIRES: x.size() == dimension().
  // REQUIRES: no element of x is NaN or infinite (callers drop missing
  //           values first; a NaN would poison every moment for good).
  void add(std::span<const double, Dim> x) {
    assert(x.size() == dimension());
    const std::size_t d = dimension();
    if (count_ == 0) std::copy(x.begin(), x.end(), shift_.begin());
    ++count_;
    const double n = static_cast<double>(count_);
    // C += (n-1)/n * delta delta^T with delta = x - old mean, which is
    // Welford's delta * (x - new mean). delta_i * delta_j is evaluated in the
    // same order for (i, j) and (j, i), so C stays exactly symmetric.
    const double weight = (n - 1.0) / n;
    for (std::size_t i = 0; i < d; ++i) {
      const double delta_i = deviation(x[i], i);
      for (std::size_t j = 0; j < d; ++j) {
        comoment_[i * d + j] += (delta_i * deviation(x[j], j)) * weight;
      }
    }
    for (std::size_t i = 0; i < d; ++i) shifted_mean_[i] += deviation(x[i], i) / n;
  }

  void add(double x)
    requires(Dim == 1)
  {
    add(std::span<const double, 1>(&x, 1));
  }

  // Adds every row that `other` has seen, as if they had been add()ed here.
  // Throws InputError when the dimensions differ.
  void merge(const BasicMomentAccumulator& other) {
    if (other.dimension() != dimension()) {
      throw InputError("cannot merge moments of " + std::to_string(other.dimension()) +
                       " features into moments of " + std::to_string(dimension()));
    }
    if (other.count_ == 0) return;
    if (count_ == 0) {
      *this = other;
      return;
    }
    const std::size_t d = dimension();
    const double n_this = static_cast<double>(count_);
    const double n_other = static_cast<double>(other.count_);
    const double n = n_this + n_other;
    // C = C_this + C_other + (n_this n_other / n) delta delta^T,
    // delta = mean_other - mean_this.
    const double weight = n_this * n_other / n;
    for (std::size_t i = 0; i < d; ++i) {
      const double delta_i = mean_difference(other, i);
      for (std::size_t j = 0; j < d; ++j) {
        comoment_[i * d + j] +=
            other.comoment_[i * d + j] + (delta_i * mean_difference(other, j)) * weight;
      }
    }
    for (std::size_t i = 0; i < d; ++i) {
      shifted_mean_[i] += mean_difference(other, i) * (n_other / n);
    }
    count_ += other.count_;
  }

  std::uint64_t count() const { return count_; }

  std::size_t dimension() const {
    if constexpr (kDynamic) {
      return shift_.size();
    } else {
      return Dim;
    }
  }

  // All zeros while count() == 0.
  Vector mean() const {
    Vector result = shift_;
    for (std::size_t i = 0; i < result.size(); ++i) result[i] += shifted_mean_[i];
    return result;
  }

  // other.mean() - mean(), without forming either mean.
  // REQUIRES: other.dimension() == dimension().
  Vector mean_difference(const BasicMomentAccumulator& other) const {
    assert(other.dimension() == dimension());
    Vector result = shift_;
    for (std::size_t i = 0; i < result.size(); ++i) result[i] = mean_difference(other, i);
    return result;
  }

  // The co-moment matrix C, row-major d x d: (n - 1) covariance() without
  // the division, defined for every count (zero while count() < 2), for
  // pooling the covariances of several samples.
  const Matrix& comoment() const { return comoment_; }

  // The mean as it is kept, shift() + shifted_mean(): what from_moments()
  // takes to rebuild this accumulator exactly (e.g. from storage).
  const Vector& shift() const { return shift_; }
  const Vector& shifted_mean() const { return shifted_mean_; }

  // Sample covariance C / (n - 1), row-major d x d.
  // REQUIRES: count() >= 2.
  Matrix covariance() const {
    assert(count_ >= 2);
    Matrix result = comoment_;
    const double degrees_of_freedom = static_cast<double>(count_ - 1);
    for (double& cell : result) cell /= degrees_of_freedom;
    return result;
  }

 private:
  // x_i - mean_i, computed as (x_i - shift_i) - shifted_mean_i: both
  // differences are of numbers of similar size, so the offset cancels first.
  double deviation(double x_i, std::size_t i) const { return (x_i - shift_[i]) - shifted_mean_[i]; }

  // other.mean_i - mean_i, without forming either mean.
  double mean_difference(const BasicMomentAccumulator& other, std::size_t i) const {
    return (other.shift_[i] - shift_[i]) + (other.shifted_mean_[i] - shifted_mean_[i]);
  }

  std::uint64_t count_ = 0;
  // The mean is kept as shift_ + shifted_mean_, where shift_ is the first row
  // added. A running mean stored directly near a large offset (1e9) would be
  // rounded to ulp(1e9) on every add, an error that grows like sqrt(n); the
  // mean of the deviations from shift_ is small and keeps its precision.
  Vector shift_{};
  Vector shifted_mean_{};
  Matrix comoment_{};  // sum of (x - mean)(x - mean)^T, row-major
};

using MomentAccumulator = BasicMomentAccumulator<std::dynamic_extent>;
using UnivariateMoments = BasicMomentAccumulator<1>;

}  // namespace driftd
