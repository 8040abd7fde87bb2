// A reference read back from SQLite has the bins it was stored with:
// bins_json holds the edges, not the recipe that made them, so point-mass
// edges (5e-324, one ulp above a value) come back to the bit and the stored
// histogram's layout still matches them (load_active_references refuses a
// reference whose histogram is over other bins).
#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "pipeline/feature_reference.h"
#include "store/drift_store.h"
#include "tests/store/demo_store_fixture.h"

namespace driftd::store {
namespace {

TEST_CASE("a captured reference with point masses keeps its bins through SQLite") {
  config::StreamConfig stream = test::demo_stream();
  config::FeatureConfig& amount = stream.features[0];
  amount.binning = config::Binning::quantile;
  amount.edges.clear();
  amount.bins = 10;
  DriftStore store(test::fresh_storage("stored_reference_test", "point_masses"));
  store.sync_stream(stream);

  // Deciles 0 x 4, 3.5, 7 x 4.
  std::vector<double> amounts(500, 0.0);
  amounts.insert(amounts.end(), 500, 7.0);
  const std::vector<std::string_view> countries = {"US", "DE"};
  std::vector<FeatureReference> references = {
      numeric_reference(amount, amounts), categorical_reference(stream.features[1], countries, 0)};
  const std::vector<double> edges = {0.0, 5e-324, 3.5, 7.0,
                                     std::nextafter(7.0, std::numeric_limits<double>::infinity())};
  const auto built = references[0].bins.binning().edges();
  REQUIRE(std::vector<double>(built.begin(), built.end()) == edges);
  store.save_references(stream, references, "capture");

  const auto loaded = store.load_active_references(stream);
  REQUIRE(loaded);
  const FeatureReference& stored = loaded->features[0];
  const auto stored_edges = stored.bins.binning().edges();
  CHECK(std::vector<double>(stored_edges.begin(), stored_edges.end()) == edges);
  CHECK(stored.bins.layout() == references[0].bins.layout());
  CHECK(stored.counts == std::vector<uint64_t>{0, 500, 0, 0, 500, 0});
  CHECK(stored.bins.label(1) == "[0, 5e-324)");
  CHECK(stored.bins.label(4) == "[7, 7.000000000000001)");
}

}  // namespace
}  // namespace driftd::store
