// The fixed-point moment sums of a feature group: complete rows only, exact
// under any split of the rows (integer sums), and giving back the mean and
// sample covariance of a two-pass computation in long double, at offset 0 as
// at offsets of 1e6 and 1.7e12.
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include <catch2/catch.hpp>

#include "pipeline/group_moments.h"

namespace driftd {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// d correlated columns: x_i = offset_i + scale_i * (z_i + 0.6 z_0), some NaN.
std::vector<std::vector<double>> correlated(std::size_t d, std::size_t rows,
                                            std::span<const double> offsets, unsigned seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal;
  std::vector<std::vector<double>> columns(d, std::vector<double>(rows));
  for (std::size_t r = 0; r < rows; ++r) {
    const double shared = normal(random);
    for (std::size_t i = 0; i < d; ++i) {
      columns[i][r] = offsets[i] + (1.0 + static_cast<double>(i)) * (normal(random) + 0.6 * shared);
    }
    if (r % 17 == 3) columns[r % d][r] = kNaN;  // an incomplete row
  }
  return columns;
}

std::vector<std::span<const double>> spans(const std::vector<std::vector<double>>& columns,
                                           std::size_t begin, std::size_t end) {
  std::vector<std::span<const double>> out;
  for (const auto& column : columns) out.emplace_back(column.data() + begin, end - begin);
  return out;
}

TEST_CASE("Group sums give the complete rows' mean and covariance at any offset") {
  const std::size_t d = 4;
  const std::size_t rows = 20000;
  for (const double offset : {0.0, 1e6, 1.7e12}) {
    const std::vector<double> offsets{offset, -offset, 2 * offset, 5.0};
    const auto columns = correlated(d, rows, offsets, 3);
    // The reference's standardisation: near the data, not equal to it.
    std::vector<Standardisation> standards;
    for (std::size_t i = 0; i < d; ++i) {
      standards.push_back({offsets[i] + 0.3, 1.2 * (1.0 + static_cast<double>(i))});
    }
    std::vector<uint64_t> sums(group_sum_words(d), 0);
    std::vector<double> scratch(group_scratch_size(d));
    add_group_moments(spans(columns, 0, rows), standards, sums, scratch);
    const MomentAccumulator moments = group_moments_from_sums(sums, standards);
    const std::vector<double> window_mean = moments.mean();
    const std::vector<double> window_covariance = moments.covariance();

    // Two passes in long double over the complete rows.
    std::vector<std::size_t> complete;
    for (std::size_t r = 0; r < rows; ++r) {
      bool ok = true;
      for (std::size_t i = 0; i < d; ++i) ok = ok && std::isfinite(columns[i][r]);
      if (ok) complete.push_back(r);
    }
    REQUIRE(moments.count() == complete.size());
    std::vector<long double> mean(d, 0.0L);
    for (const std::size_t r : complete) {
      for (std::size_t i = 0; i < d; ++i) mean[i] += columns[i][r];
    }
    for (auto& m : mean) m /= static_cast<long double>(complete.size());
    for (std::size_t i = 0; i < d; ++i) {
      // Within 2^-16 reference standard deviations (the sums' resolution),
      // plus the rounding of a double as large as the mean (2.4e-4 at 1.7e12).
      const double ulp = std::abs(window_mean[i]) * std::numeric_limits<double>::epsilon();
      CHECK(std::abs(static_cast<long double>(window_mean[i]) - mean[i]) <
            standards[i].scale * 1e-5 + 2 * ulp);
      for (std::size_t j = 0; j < d; ++j) {
        long double co = 0.0L;
        for (const std::size_t r : complete) {
          co += (columns[i][r] - mean[i]) * (columns[j][r] - mean[j]);
        }
        const long double covariance = co / static_cast<long double>(complete.size() - 1);
        CHECK(std::abs(static_cast<long double>(window_covariance[i * d + j]) - covariance) <
              standards[i].scale * standards[j].scale * 1e-5);
        CHECK(window_covariance[i * d + j] == window_covariance[j * d + i]);
      }
    }
  }
}

TEST_CASE("Group sums of any split of the rows add up to the sums of all of them") {
  const std::size_t d = 3;
  const std::vector<double> offsets{10.0, 20.0, 30.0};
  const auto columns = correlated(d, 5000, offsets, 9);
  const std::vector<Standardisation> standards{{10, 1}, {20, 2}, {30, 3}};
  std::vector<uint64_t> whole(group_sum_words(d), 0);
  std::vector<double> scratch(group_scratch_size(d));
  add_group_moments(spans(columns, 0, 5000), standards, whole, scratch);
  std::vector<uint64_t> pieces(group_sum_words(d), 0);
  for (const auto& [begin, end] : {std::pair{2000, 5000}, std::pair{0, 7}, std::pair{7, 2000}}) {
    std::vector<uint64_t> piece(group_sum_words(d), 0);
    add_group_moments(spans(columns, begin, end), standards, piece, scratch);
    for (std::size_t w = 0; w < piece.size(); ++w) pieces[w] += piece[w];
  }
  CHECK(pieces == whole);
}

TEST_CASE("Group sums: the layout, incomplete rows, and fewer than two rows") {
  CHECK(group_sum_words(1) == 3);
  CHECK(group_sum_words(2) == 6);
  CHECK(group_sum_words(64) == 1 + 64 + 2080);
  const std::vector<double> a{1.0, kNaN, 3.0, std::numeric_limits<double>::infinity()};
  const std::vector<double> b{2.0, 5.0, kNaN, 1.0};
  const std::vector<std::span<const double>> columns{a, b};
  const std::vector<Standardisation> standards{{0, 1}, {0, 1}};
  std::vector<uint64_t> sums(group_sum_words(2), 0);
  std::vector<double> scratch(group_scratch_size(2));
  add_group_moments(columns, standards, sums, scratch);
  // Only row 0 is complete: count 1, sums 1 and 2, cross sums 1, 2, 4 (x 2^16).
  CHECK(sums == std::vector<uint64_t>{1, 65536, 131072, 65536, 131072, 262144});
  const MomentAccumulator one = group_moments_from_sums(sums, standards);
  CHECK(one.count() == 1);
  CHECK(one.mean() == std::vector<double>{1.0, 2.0});
  CHECK(one.comoment() == std::vector<double>(4, 0.0));
}

}  // namespace
}  // namespace driftd
