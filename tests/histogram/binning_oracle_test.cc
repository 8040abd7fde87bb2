// Binning against numpy: tests/fixtures/binning_oracle.json, written by
// tests/histogram/make_oracle.py (numpy.quantile, numpy.linspace,
// numpy.searchsorted). Quantile edges must be numpy's exactly (a point
// mass's edge is one ulp above it, closer than any tolerance), uniform edges
// agree to 1e-12 relative; bins and counts exactly, on every SIMD target.
// The test values include every edge and its neighbours, so counts only
// agree when the edges are numpy's to the bit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "histogram/batch_binner.h"
#include "histogram/category_dictionary.h"
#include "histogram/numeric_binning.h"
#include "histogram/scalar_binner.h"
#include "support/simd_targets.h"

namespace driftd {
namespace {

using nlohmann::json;

const json& oracle() {
  static const json parsed = [] {
    std::ifstream file(DRIFTD_SOURCE_DIR "/tests/fixtures/binning_oracle.json");
    REQUIRE(file.good());
    return json::parse(file);
  }();
  return parsed;
}

// Numbers, or "nan", "inf" and "-inf" (JSON has none of these).
std::vector<double> decode(const json& array) {
  std::vector<double> values;
  for (const json& item : array) {
    if (item.is_number()) {
      values.push_back(item.get<double>());
    } else if (item == "nan") {
      values.push_back(std::numeric_limits<double>::quiet_NaN());
    } else {
      REQUIRE((item == "inf" || item == "-inf"));
      values.push_back(item == "inf" ? std::numeric_limits<double>::infinity()
                                     : -std::numeric_limits<double>::infinity());
    }
  }
  return values;
}

void require_edges_match(std::span<const double> actual, const json& expected_json) {
  const std::vector<double> expected = decode(expected_json);
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("edge " << i << ": " << actual[i] << " vs numpy " << expected[i]);
    CHECK(std::abs(actual[i] - expected[i]) <=
          1e-12 * std::max(std::abs(actual[i]), std::abs(expected[i])));
  }
}

// Equal as numbers: -0.0 == +0.0 (numpy may keep -0.0, NumericBinning never does).
void require_edges_equal(std::span<const double> actual, const json& expected_json) {
  const std::vector<double> expected = decode(expected_json);
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("edge " << i << ": " << actual[i] << " vs numpy " << expected[i]);
    CHECK(actual[i] == expected[i]);
  }
}

// Some edge e is followed by nextafter(e, +inf): a point mass's own bin.
bool has_point_mass_bin(std::span<const double> edges) {
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    if (edges[i + 1] == std::nextafter(edges[i], std::numeric_limits<double>::infinity())) {
      return true;
    }
  }
  return false;
}

// The oracle's values binned by binning: bins and counts as numpy's, through
// the scalar reference and through BatchBinner on every SIMD target.
void require_binned_like_numpy(const NumericBinning& binning, const json& oracle_case) {
  const std::vector<double> values = decode(oracle_case["values"]);
  const auto expected_bins = oracle_case["value_bins"].get<std::vector<std::uint32_t>>();
  const auto expected_counts = oracle_case["counts"].get<std::vector<std::uint64_t>>();

  std::vector<std::uint32_t> bins(values.size());
  scalar_assign_bins(binning.edges(), values, bins);
  CHECK(bins == expected_bins);

  testing::for_each_simd_target(BatchBinner::implementation, [&] {
    const BatchBinner binner(binning);
    std::vector<std::uint64_t> counts(binning.bin_count() + 1);
    binner.count(values, counts);
    CHECK(counts == expected_counts);
    std::vector<std::uint32_t> simd_bins(values.size());
    binner.assign(values, simd_bins);
    CHECK(simd_bins == expected_bins);
  });
}

TEST_CASE("quantile edges and bins match numpy", "[numeric_binning][oracle]") {
  REQUIRE(oracle()["quantile"].size() >= 25);
  std::size_t with_point_mass_bin = 0;
  for (const json& quantile_case : oracle()["quantile"]) {
    INFO("case '" << quantile_case["name"].get<std::string>() << "'");
    const NumericBinning binning = NumericBinning::quantile(
        decode(quantile_case["reference"]), quantile_case["bins"].get<std::size_t>());
    require_edges_equal(binning.edges(), quantile_case["edges"]);
    require_binned_like_numpy(binning, quantile_case);
    if (has_point_mass_bin(binning.edges())) ++with_point_mass_bin;
  }
  // The cases with ties, but for the mass at DBL_MAX: it gets no bin above it.
  CHECK(with_point_mass_bin >= 16);
}

TEST_CASE("uniform edges and bins match numpy", "[numeric_binning][oracle]") {
  REQUIRE(oracle()["uniform"].size() >= 6);
  for (const json& uniform_case : oracle()["uniform"]) {
    INFO("case '" << uniform_case["name"].get<std::string>() << "'");
    const NumericBinning binning = NumericBinning::uniform(
        decode(uniform_case["reference"]), uniform_case["bins"].get<std::size_t>());
    require_edges_match(binning.edges(), uniform_case["edges"]);
    require_binned_like_numpy(binning, uniform_case);
  }
}

TEST_CASE("explicit edges bin like numpy.searchsorted", "[numeric_binning][oracle]") {
  REQUIRE(oracle()["explicit"].size() >= 2);
  for (const json& explicit_case : oracle()["explicit"]) {
    INFO("case '" << explicit_case["name"].get<std::string>() << "'");
    const NumericBinning binning =
        NumericBinning::explicit_edges(decode(explicit_case["edges"]));
    require_binned_like_numpy(binning, explicit_case);
  }
}

TEST_CASE("layout fingerprints follow the documented encoding", "[bin_layout][oracle]") {
  for (const json& fingerprint_case : oracle()["fingerprints"]) {
    const auto expected = std::stoull(fingerprint_case["fingerprint"].get<std::string>(), nullptr, 16);
    if (fingerprint_case["kind"] == "numeric") {
      const NumericBinning binning = NumericBinning::explicit_edges(decode(fingerprint_case["edges"]));
      CHECK(binning.layout().fingerprint == expected);
    } else {
      // A reference whose frequencies give the oracle's category order.
      const auto categories = fingerprint_case["categories"].get<std::vector<std::string>>();
      std::vector<std::string_view> reference;
      for (std::size_t rank = 0; rank < categories.size(); ++rank) {
        reference.insert(reference.end(), categories.size() - rank, categories[rank]);
      }
      const auto dictionary = CategoryDictionary::from_reference(reference, categories.size());
      REQUIRE(std::vector<std::string>(dictionary.categories().begin(),
                                       dictionary.categories().end()) == categories);
      CHECK(dictionary.layout().fingerprint == expected);
    }
  }
}

}  // namespace
}  // namespace driftd
