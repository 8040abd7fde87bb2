// BatchBinner against the scalar reference, on every SIMD target this CPU
// supports: the stress binnings of binning_stress.h (typical quantile bins,
// and edges built to defeat the radix index: ulp runs, far clusters, equal
// edges, extreme magnitudes), values on and around every edge, the special
// doubles and random bit patterns, every short length and alignment (vector
// tails), random data and data that stays in one bin (the fast path).
#include "histogram/batch_binner.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

#include "allocation_counter.h"
#include "binning_stress.h"
#include "common/simd_target.h"
#include "histogram/numeric_binning.h"
#include "histogram/scalar_binner.h"
#include "support/simd_targets.h"

namespace driftd {
namespace {

using testing::for_each_simd_target;
using testing::probe_values;
using testing::stress_binnings;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMinSubnormal = std::numeric_limits<double>::denorm_min();

// Doubles per vector on the widest x86 target (AVX-512).
constexpr std::size_t kWidestLanes = 8;

std::vector<double> normal_sample(std::size_t size, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::vector<double> sample(size);
  for (double& x : sample) x = normal(rng);
  return sample;
}

// count() and assign() of binner equal the scalar reference on values.
// Counts start non-zero: count() adds, never overwrites.
void require_same_as_reference(const NumericBinning& binning, const BatchBinner& binner,
                               std::span<const double> values) {
  INFO("bins " << binning.bin_count() << ", " << values.size() << " values");
  std::vector<std::uint64_t> expected_counts(binning.bin_count() + 1);
  std::iota(expected_counts.begin(), expected_counts.end(), 1000);
  std::vector<std::uint64_t> counts = expected_counts;
  scalar_count_bins(binning.edges(), values, expected_counts);
  binner.count(values, counts);
  REQUIRE(counts == expected_counts);

  std::vector<std::uint32_t> expected_bins(values.size());
  std::vector<std::uint32_t> bins(values.size(), 0xDEADBEEF);
  scalar_assign_bins(binning.edges(), values, expected_bins);
  binner.assign(values, bins);
  REQUIRE(bins == expected_bins);
}

TEST_CASE("BatchBinner bins as numpy.searchsorted(side='right') does", "[batch_binner]") {
  // Expected by hand from the definition: the bin is the number of edges <= x.
  const NumericBinning zero = NumericBinning::explicit_edges(std::vector<double>{0.0});
  const std::vector<double> around_zero = {-0.0, 0.0,  -kMinSubnormal, kMinSubnormal,
                                           -kInf, kInf, kNaN,           -kNaN};
  const std::vector<std::uint32_t> zero_bins = {1, 1, 0, 1, 0, 1, 2, 2};

  const NumericBinning duplicated =
      NumericBinning::explicit_edges(std::vector<double>{-1.0, 1.0, 1.0, 3.0});
  const std::vector<double> around_duplicates = {-1.0, std::nextafter(1.0, 0.0), 1.0, 2.0,
                                                 3.0,  kInf,                     -kInf};
  const std::vector<std::uint32_t> duplicate_bins = {1, 1, 3, 3, 4, 4, 0};

  for_each_simd_target(BatchBinner::implementation, [&] {
    std::vector<std::uint32_t> bins(around_zero.size());
    BatchBinner(zero).assign(around_zero, bins);
    CHECK(bins == zero_bins);

    bins.assign(around_duplicates.size(), 0);
    BatchBinner(duplicated).assign(around_duplicates, bins);
    CHECK(bins == duplicate_bins);

    std::vector<std::uint64_t> counts(duplicated.bin_count() + 1);
    BatchBinner(duplicated).count(around_duplicates, counts);
    CHECK(counts == std::vector<std::uint64_t>{1, 2, 0, 2, 2, 0});  // bin [1, 1) stays empty
  });
}

TEST_CASE("BatchBinner matches the scalar reference on every SIMD target", "[batch_binner]") {
  const std::vector<testing::StressBinning> binnings = stress_binnings();
  for_each_simd_target(BatchBinner::implementation, [&] {
    std::mt19937_64 rng(11);
    for (const auto& [name, binning] : binnings) {
      INFO(name);
      const BatchBinner binner(binning);
      const std::vector<double> values = probe_values(binning.edges(), rng);
      require_same_as_reference(binning, binner, values);
      // Every length up to three widest vectors plus one, from every
      // alignment: full vectors, tails, and tails alone.
      for (std::size_t offset = 0; offset < kWidestLanes; ++offset) {
        for (std::size_t length = 0; length <= 3 * kWidestLanes + 1; ++length) {
          require_same_as_reference(binning, binner,
                                    std::span<const double>(values).subspan(offset, length));
        }
      }
    }
  });
}

TEST_CASE("BatchBinner counts runs in one bin exactly (fast path)", "[batch_binner]") {
  std::mt19937_64 rng(3);
  const NumericBinning binning = NumericBinning::quantile(normal_sample(10'000, rng), 64);
  const auto edges = binning.edges();
  const std::size_t bin = 40;
  const double lower = edges[bin - 1];
  const double upper = edges[bin];
  std::uniform_real_distribution<double> inside(lower, upper);

  std::vector<double> in_bin(1000);
  for (double& x : in_bin) x = inside(rng);
  in_bin[0] = lower;                          // lower edge: inside
  in_bin[500] = std::nextafter(upper, -kInf);  // just below the upper edge: inside

  std::vector<double> values = in_bin;
  values.insert(values.end(), 100, upper);  // the upper edge opens the next bin
  for (std::size_t i = 0; i < 800; ++i) {   // NaN in every lane position in turn
    values.push_back(i % 7 == 6 ? kNaN : inside(rng));
  }
  values.insert(values.end(), 64, kInf);   // last bin, never inside finite bounds
  values.insert(values.end(), 64, -kInf);  // first bin, bounds (-inf, e_1)
  for (std::size_t i = 0; i < 400; ++i) {  // a different bin every 5 values
    values.push_back(edges[(i / 5) % edges.size()]);
  }

  for_each_simd_target(BatchBinner::implementation, [&] {
    const BatchBinner binner(binning);
    std::vector<std::uint64_t> counts(binning.bin_count() + 1);
    binner.count(in_bin, counts);
    CHECK(counts[bin] == in_bin.size());
    CHECK(std::accumulate(counts.begin(), counts.end(), std::uint64_t{0}) == in_bin.size());

    require_same_as_reference(binning, binner, values);
  });

  // A run in the bin just past duplicated edges.
  const NumericBinning duplicated = NumericBinning::explicit_edges(std::vector<double>{0, 1, 1, 2});
  const std::vector<double> ones(100, 1.0);
  for_each_simd_target(BatchBinner::implementation, [&] {
    std::vector<std::uint64_t> counts(duplicated.bin_count() + 1);
    BatchBinner(duplicated).count(ones, counts);
    CHECK(counts == std::vector<std::uint64_t>{0, 0, 0, 100, 0, 0});
  });
}

TEST_CASE("BatchBinner counts NaN as missing and nothing else", "[batch_binner]") {
  const NumericBinning binning = NumericBinning::explicit_edges(std::vector<double>{1.0, 2.0});
  std::vector<double> values(37, kNaN);
  values[5] = 1.5;
  values[36] = kInf;
  for_each_simd_target(BatchBinner::implementation, [&] {
    std::vector<std::uint64_t> counts(binning.bin_count() + 1);
    BatchBinner(binning).count(values, counts);
    CHECK(counts == std::vector<std::uint64_t>{0, 1, 1, 35});
  });
}

TEST_CASE("BatchBinner does not allocate per call", "[batch_binner]") {
  std::mt19937_64 rng(5);
  const NumericBinning binning = NumericBinning::quantile(normal_sample(10'000, rng), 4096);
  const BatchBinner binner(binning);
  const std::vector<double> values = probe_values(binning.edges(), rng);
  std::vector<std::uint64_t> counts(binning.bin_count() + 1);
  std::vector<std::uint32_t> bins(values.size());
  for_each_simd_target(BatchBinner::implementation, [&] {
    const testing::AllocationScope scope;
    binner.count(values, counts);
    binner.assign(values, bins);
    CHECK(scope.stats().allocations == 0);
  });
}

TEST_CASE("BatchBinner refuses spans of the wrong size", "[batch_binner]") {
  const BatchBinner binner(NumericBinning::explicit_edges(std::vector<double>{1.0}));
  const std::vector<double> values = {0.5, 1.5};
  std::vector<std::uint64_t> counts(2);  // 2 bins + missing need 3
  CHECK_THROWS_AS(binner.count(values, counts), std::invalid_argument);
  std::vector<std::uint32_t> bins(1);
  CHECK_THROWS_AS(binner.assign(values, bins), std::invalid_argument);
  CHECK(binner.bin_count() == 2);
  CHECK(binner.missing_slot() == 2);
}

// Run by its own ctest entry, with DRIFTD_SIMD=scalar in the environment.
TEST_CASE("BatchBinner runs the scalar reference under DRIFTD_SIMD=scalar",
          "[.][forced-scalar]") {
  REQUIRE(simd_forced_scalar());
  CHECK(BatchBinner::implementation() == "scalar");
  std::mt19937_64 rng(13);
  const NumericBinning binning = NumericBinning::quantile(normal_sample(1000, rng), 64);
  const BatchBinner binner(binning);
  const std::vector<double> values = probe_values(binning.edges(), rng);
  for_each_simd_target(BatchBinner::implementation, [&] { require_same_as_reference(binning, binner, values); });
}

}  // namespace
}  // namespace driftd
