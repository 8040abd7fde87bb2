// RadixIndex against std::upper_bound on the stress binnings, for every kind
// of double; the properties its exactness rests on (a non-decreasing bucket
// function, -0.0 with +0.0); that the stress binnings reach sub-levels and
// bisected leaves while typical ones (up to 1,024 bins) need the root alone;
// and the memory bound radix_index.h states.
#include "histogram/radix_index.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "binning_stress.h"
#include "histogram/numeric_binning.h"

namespace driftd {
namespace {

using testing::probe_values;
using testing::stress_binnings;

std::uint32_t reference_bin(std::span<const double> edges, double x) {
  if (std::isnan(x)) return static_cast<std::uint32_t>(edges.size() + 1);
  return static_cast<std::uint32_t>(std::upper_bound(edges.begin(), edges.end(), x) -
                                    edges.begin());
}

// The root table's bound of radix_index.h, plus what it says of the rest.
std::size_t documented_memory_bound(const RadixIndex& index, std::size_t bins) {
  const std::size_t root_buckets =
      std::min<std::size_t>(std::max<std::size_t>(16, std::bit_ceil(4 * bins)), 16384);
  return 2 * (root_buckets + 1) + 2 * 16384 + sizeof(RadixLevel) * (index.sub_levels() + 1) +
         8 * (bins + 2);
}

TEST_CASE("RadixIndex bins every double as std::upper_bound does", "[radix_index]") {
  std::mt19937_64 rng(17);
  for (const auto& [name, binning] : stress_binnings()) {
    INFO(name);
    const RadixIndex index(binning.edges());
    for (const double x : probe_values(binning.edges(), rng)) {
      INFO("x = " << x << " (bits " << std::bit_cast<std::uint64_t>(x) << ")");
      REQUIRE(index.bin_of(x) == reference_bin(binning.edges(), x));
    }
    CHECK(index.memory_bytes() <= documented_memory_bound(index, binning.bin_count()));
  }
}

TEST_CASE("RadixIndex buckets never decrease and -0.0 shares +0.0's", "[radix_index]") {
  std::mt19937_64 rng(19);
  for (const auto& [name, binning] : stress_binnings()) {
    INFO(name);
    const RadixIndex index(binning.edges());
    std::vector<double> values = probe_values(binning.edges(), rng, 256);
    std::erase_if(values, [](double x) { return std::isnan(x); });
    std::sort(values.begin(), values.end());
    for (std::size_t i = 1; i < values.size(); ++i) {
      INFO(values[i - 1] << " <= " << values[i]);
      REQUIRE(index.bucket_of(values[i - 1]) <= index.bucket_of(values[i]));
    }
    CHECK(index.bucket_of(-0.0) == index.bucket_of(0.0));
    CHECK(index.bucket_of(std::numeric_limits<double>::quiet_NaN()) == index.view().levels[0].bucket_count);
  }
}

TEST_CASE("the stress binnings reach sub-levels, typical quantile bins the root alone",
          "[radix_index]") {
  std::size_t with_sub_levels = 0;
  for (const auto& [name, binning] : stress_binnings()) {
    const RadixIndex index(binning.edges());
    const bool typical = (name.starts_with("normal") || name.starts_with("lognormal") ||
                          name.starts_with("exponential") || name.starts_with("zero-inflated")) &&
                         binning.bin_count() <= 1024;
    INFO(name << ": " << index.sub_levels() << " sub-levels");
    if (typical) CHECK(index.sub_levels() == 0);
    if (index.sub_levels() > 0) ++with_sub_levels;
  }
  CHECK(with_sub_levels >= 10);

  // Equal edges cannot be told apart by any scale: one bisected leaf.
  const RadixIndex equal(std::vector<double>(9, 1.0));
  REQUIRE(equal.sub_levels() == 1);
  CHECK(equal.view().levels[1].bucket_count == 0);
  CHECK(equal.bin_of(1.0) == 9);
  CHECK(equal.bin_of(std::nextafter(1.0, 0.0)) == 0);
}

TEST_CASE("RadixIndex refuses more edges than its entries can count", "[radix_index]") {
  CHECK_THROWS_AS(RadixIndex(std::vector<double>(32767, 0.0)), std::invalid_argument);
  CHECK_NOTHROW(RadixIndex(std::vector<double>(32766, 0.0)));
}

}  // namespace
}  // namespace driftd
