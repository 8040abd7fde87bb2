#include "store/reference_promotion.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "store/drift_store.h"
#include "tests/store/demo_store_fixture.h"
#include "tests/store/window_row_fixture.h"

namespace driftd::store {
namespace {

struct Fixture {
  explicit Fixture(const std::string& name)
      : store(test::fresh_storage("reference_promotion_test", name)) {
    test::store_first_references(store, stream);
    test::insert_window_row(store.database(), "demo", "amount", 1000, {3, 0, 7}, 2, 1);
    test::insert_window_row(store.database(), "demo", "country", 1000, {1, 4, 5}, 0, 0);
  }
  config::StreamConfig stream = test::demo_stream();
  DriftStore store;
};

int64_t active_version(Database& db, const std::string& feature) {
  Statement query = db.prepare(
      "SELECT version FROM reference_distributions "
      "WHERE stream = 'demo' AND feature = ?1 AND active = 1");
  query.bind(1, std::string_view(feature));
  REQUIRE(query.step());
  return query.column_int(0);
}

int64_t version_count(Database& db) {
  Statement query = db.prepare("SELECT count(*) FROM reference_distributions");
  REQUIRE(query.step());
  return query.column_int(0);
}

TEST_CASE("promote stores the window's exact counts over the active reference's bins") {
  Fixture fixture("exact_counts");
  const auto before = fixture.store.load_active_references(fixture.stream);
  REQUIRE(before);

  const Promotion promotion = promote_window(fixture.store, "demo", 1000, {});

  CHECK(promotion.origin == "window:1000");
  REQUIRE(promotion.features.size() == 2);
  CHECK(promotion.features[0].feature == "amount");
  CHECK(promotion.features[0].previous_version == 1);
  CHECK(promotion.features[0].previous_had_moments);
  CHECK_FALSE(promotion.features[1].previous_had_moments);
  // What a restarted driftd loads: the new versions, read back from SQLite.
  const auto after = fixture.store.load_active_references(fixture.stream);
  REQUIRE(after);
  CHECK(after->features[0].version == 2);
  CHECK(after->features[0].counts == std::vector<uint64_t>{3, 0, 7});
  CHECK(after->features[0].missing == 2);  // the window's invalid values are not part of it
  CHECK(after->features[0].bins.to_json() == before->features[0].bins.to_json());
  CHECK_FALSE(after->features[0].moments);
  CHECK(after->features[1].version == 2);
  CHECK(after->features[1].counts == std::vector<uint64_t>{1, 4, 5});
  CHECK(after->features[1].missing == 0);
  CHECK(after->features[1].bins.to_json() == before->features[1].bins.to_json());
  CHECK(after->features[0].id == promotion.features[0].reference.id);

  Statement origins = fixture.store.database().prepare(
      "SELECT origin, active FROM reference_distributions WHERE version = 1");
  int old_rows = 0;
  while (origins.step()) {
    ++old_rows;
    CHECK(origins.column_text(0) == "capture");
    CHECK(origins.column_int(1) == 0);
  }
  CHECK(old_rows == 2);
}

TEST_CASE("promote of named features leaves the others' references alone") {
  Fixture fixture("named_features");
  const std::vector<std::string> features = {"country"};
  const Promotion promotion = promote_window(fixture.store, "demo", 1000, features);
  REQUIRE(promotion.features.size() == 1);
  CHECK(promotion.features[0].reference.version == 2);
  CHECK(active_version(fixture.store.database(), "country") == 2);
  CHECK(active_version(fixture.store.database(), "amount") == 1);
}

TEST_CASE("window_promotion builds the same references and stores nothing, in a cluster "
          "instance's database too") {
  Fixture fixture("window_promotion");
  Database& db = fixture.store.database();
  db.execute("INSERT INTO cluster_result_positions (topic, partition, next_offset, updated_at) "
             "VALUES ('results', 0, 7, 0)");
  const auto before = fixture.store.load_active_references(fixture.stream);
  REQUIRE(before);

  const Promotion built = window_promotion(fixture.store, "demo", 1000, {});

  CHECK(version_count(db) == 2);
  CHECK(active_version(db, "amount") == 1);
  CHECK(built.origin == "window:1000");
  REQUIRE(built.features.size() == 2);
  CHECK(built.features[0].previous_version == 1);
  CHECK(built.features[0].reference.id == 0);
  CHECK(built.features[0].reference.version == 0);
  CHECK(built.features[0].reference.counts == std::vector<uint64_t>{3, 0, 7});
  CHECK(built.features[0].reference.missing == 2);
  CHECK(built.features[0].reference.bins.to_json() == before->features[0].bins.to_json());
  CHECK_FALSE(built.features[0].reference.moments);
  CHECK(built.features[1].reference.counts == std::vector<uint64_t>{1, 4, 5});
  // The checks are promote_window's.
  CHECK_THROWS_WITH(window_promotion(fixture.store, "demo", 2000, {}),
                    "stream 'demo' has no closed window starting at 2000 for feature 'amount'");
}

TEST_CASE("promote refuses and writes nothing") {
  Fixture fixture("refusals");
  Database& db = fixture.store.database();
  const auto refused = [&](int64_t window_start, std::vector<std::string> features,
                           const std::string& stream = "demo") {
    CHECK(version_count(db) == 2);
    try {
      promote_window(fixture.store, stream, window_start, features);
    } catch (const InputError& error) {
      CHECK(version_count(db) == 2);
      return std::string(error.what());
    }
    FAIL("promote_window did not refuse");
    return std::string();
  };

  SECTION("a window that does not exist") {
    CHECK(refused(2000, {}) ==
          "stream 'demo' has no closed window starting at 2000 for feature 'amount'");
  }
  SECTION("a window missing for one of the features") {
    test::insert_window_row(db, "demo", "amount", 3000, {1, 1, 1}, 0, 0);
    CHECK(refused(3000, {}) ==
          "stream 'demo' has no closed window starting at 3000 for feature 'country'");
  }
  SECTION("an unknown feature") {
    CHECK(refused(1000, {"amount", "colour"}) ==
          "stream 'demo' has no feature 'colour' (its features: amount, country)");
  }
  SECTION("a feature named twice") {
    CHECK(refused(1000, {"amount", "amount"}) == "feature 'amount' is named twice");
  }
  SECTION("an unknown stream") {
    CHECK(refused(1000, {}, "other") == "the database has no stream 'other'");
  }
  SECTION("a cluster-mode instance's database") {
    db.execute("INSERT INTO cluster_result_positions (topic, partition, next_offset, updated_at) "
            "VALUES ('results', 0, 7, 0)");
    CHECK(refused(1000, {}) ==
          "this database is a cluster-mode instance's (it holds the results topic's windows): a "
          "reference promoted here would reach no other instance; give driftctl the cluster's "
          "configuration (--config), which publishes the promotion to every instance");
  }
  SECTION("a window that holds no value") {
    test::insert_window_row(db, "demo", "amount", 4000, {0, 0, 0}, 5, 0);
    CHECK(refused(4000, {"amount"}) ==
          "the window starting at 4000 of feature 'amount' holds no value: a reference needs "
          "one");
  }
  SECTION("a window compared with a reference that is no longer active") {
    test::store_first_references(fixture.store, fixture.stream);  // version 2 becomes active
    CHECK(version_count(db) == 4);
    try {
      promote_window(fixture.store, "demo", 1000, {});
      FAIL("promote_window did not refuse");
    } catch (const InputError& error) {
      CHECK(std::string(error.what()) ==
            "the window starting at 1000 of feature 'amount' was compared with reference "
            "version 1, which is no longer active (version 2 is)");
    }
    CHECK(version_count(db) == 4);
    CHECK(active_version(db, "amount") == 2);
  }
}

}  // namespace
}  // namespace driftd::store
