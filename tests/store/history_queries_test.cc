// The historical API's documents (store/history_queries.h) over a real
// database: a window whose values were all missing.
#include "store/history_queries.h"

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "store/drift_store.h"
#include "tests/store/demo_store_fixture.h"
#include "tests/store/window_row_fixture.h"

namespace driftd::store {
namespace {

using Json = nlohmann::ordered_json;

struct Fixture {
  explicit Fixture(const std::string& name)
      : store(test::fresh_storage("history_queries_test", name)) {
    test::store_first_references(store, stream);
  }
  config::StreamConfig stream = test::demo_stream();
  DriftStore store;
};

TEST_CASE("a window whose every value was missing is shown, with nothing to compare") {
  Fixture fixture("all_missing");
  test::insert_window_row(fixture.store.database(), "demo", "amount", 1000, {0, 0, 0}, 5, 0);
  const int64_t id = fixture.store.database().last_insert_rowid();

  const Json window = window_json(fixture.store.database(), id);

  CHECK(window["n"] == 0);
  CHECK(window["missing"] == 5);
  CHECK(window["measures"]["jsd"].is_null());
  CHECK(window["measures"]["kl_pq"].is_null());
  REQUIRE(window["bins"].size() == 3);
  const std::vector<uint64_t> reference_counts = {1, 2, 1};  // amounts 5, 15, 25, 12
  for (std::size_t bin = 0; bin < 3; ++bin) {
    const Json& row = window["bins"][bin];
    CHECK(row["count"] == 0);
    CHECK(row["reference_count"] == reference_counts[bin]);
    CHECK(row["p"].is_null());  // no distribution: no value was binned
    CHECK(row["q"].is_number());
    CHECK(row["contribution"].is_null());
  }
}

}  // namespace
}  // namespace driftd::store
