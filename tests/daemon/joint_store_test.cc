// Pairs and groups from the stream runtime into SQLite and back: the
// captured references are stored and loaded bit for bit, window rows are
// written with the chain rule holding, a restart from the checkpoint gives
// the same rows as an uninterrupted run, a pair whose feature reference
// changed has no reference any more while the group keeps its own, the
// historical queries answer for them, and retention folds their rows.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "config/config_parser.h"
#include "pipeline/checkpoint_codec.h"
#include "pipeline/stream_runtime.h"
#include "store/drift_store.h"
#include "store/history_queries.h"
#include "store/reference_promotion.h"
#include "store/joint_history_queries.h"
#include "store/retention.h"
#include "demo_store_fixture.h"
#include "stream_runtime_driver.h"

namespace driftd {
namespace {

config::StreamConfig joint_stream() {
  return config::parse_config(R"({"storage": {"path": "unused.db"},
    "streams": [{"name": "s", "source": {"type": "http"},
      "window": {"type": "count", "events": 100},
      "reference": {"type": "capture", "events": 300},
      "features": [
        {"name": "x", "path": "/x", "type": "numeric", "bins": 4},
        {"name": "c", "path": "/c", "type": "categorical"},
        {"name": "y", "path": "/y", "type": "numeric", "bins": 4}],
      "pairs": [{"name": "y|c", "x": "c", "y": "y"}],
      "groups": [{"name": "xy", "features": ["x", "y"]}]}]})")
      .streams.at(0);
}

// n events where y follows x (sign +1) or runs against it (-1) and c is
// "a" when y > 0; a value missing now and then.
std::vector<std::string> events(std::mt19937_64& random, std::size_t n, double sign) {
  std::normal_distribution<double> normal;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = 1e6 + 100 * normal(random);
    const double y = sign * (x - 1e6) / 100 + 0.5 * normal(random);
    if (i % 17 == 5) {
      out.push_back(R"({"x": )" + std::to_string(x) + "}");
      continue;
    }
    out.push_back(R"({"x": )" + std::to_string(x) + R"(, "y": )" + std::to_string(y) +
                  R"(, "c": ")" + (y > 0 ? "a" : "b") + R"("})");
  }
  return out;
}

std::vector<store::WindowCommit> close_windows(StreamRuntime& runtime) {
  std::vector<store::WindowCommit> out;
  runtime.poll(0, [&](const WindowEvaluation& window, uint64_t late) {
    out.push_back({window, late, runtime.alerts().apply(window)});
  });
  return out;
}

TEST_CASE("Pairs and groups are stored, loaded, checkpointed, queried and folded") {
  const config::StreamConfig stream = joint_stream();
  config::StorageConfig storage = test::fresh_storage("joint_store", "joint");
  store::DriftStore store(storage);
  store.sync_stream(stream);

  std::mt19937_64 random(7);
  StreamRuntime runtime(stream, 1);
  test::ingest_json(runtime, events(random, 300, +1), std::nullopt, 0);
  REQUIRE(runtime.monitoring());
  StreamReferences* captured = runtime.take_new_references();
  REQUIRE(captured != nullptr);
  REQUIRE(captured->pairs.at(0).present());
  REQUIRE(captured->groups.at(0).present());
  store.save_references(stream, *captured, "capture");
  CHECK(captured->pairs[0].id > 0);
  CHECK(captured->groups[0].version == 1);

  // The stored references come back bit for bit.
  const auto loaded = store.load_active_references(stream);
  REQUIRE(loaded);
  CHECK(loaded->ids() == captured->ids());
  CHECK(loaded->pairs[0].cells == captured->pairs[0].cells);
  CHECK(loaded->pairs[0].incomplete == captured->pairs[0].incomplete);
  CHECK(loaded->groups[0].moments.comoment() == captured->groups[0].moments.comoment());
  CHECK(loaded->groups[0].moments.shifted_mean() == captured->groups[0].moments.shifted_mean());

  // One window, then half of the next; a restart from the checkpoint
  // finishes it, and gives the rows an uninterrupted run gives.
  const std::vector<std::string> first = events(random, 100, -1);
  const std::vector<std::string> second = events(random, 100, -1);
  test::ingest_json(runtime, first, std::nullopt, 0);
  test::ingest_json(runtime, std::vector<std::string>(second.begin(), second.begin() + 40),
                    std::nullopt, 0);
  std::vector<store::WindowCommit> commits = close_windows(runtime);
  REQUIRE(commits.size() == 1);
  StreamCheckpoint checkpoint;
  REQUIRE(runtime.checkpoint(checkpoint));
  const std::vector<std::byte> bytes = encode_checkpoint(checkpoint);
  store.commit_windows(stream, runtime.references(), commits, &bytes);

  StreamRuntime restarted(stream, 1);
  restarted.install_references(*store.load_active_references(stream));
  REQUIRE(restarted.restore(decode_checkpoint(*store.load_checkpoint(stream)), 0));
  test::ingest_json(restarted, std::vector<std::string>(second.begin() + 40, second.end()),
                    std::nullopt, 0);
  const std::vector<store::WindowCommit> after_restart = close_windows(restarted);
  test::ingest_json(runtime, std::vector<std::string>(second.begin() + 40, second.end()),
                    std::nullopt, 0);
  const std::vector<store::WindowCommit> uninterrupted = close_windows(runtime);
  REQUIRE(after_restart.size() == 1);
  REQUIRE(uninterrupted.size() == 1);
  const PairEvaluation& resumed_pair = *after_restart[0].window.pairs.at(0);
  CHECK(resumed_pair.cells == uninterrupted[0].window.pairs.at(0)->cells);
  CHECK(resumed_pair.n + resumed_pair.incomplete == 100);
  CHECK(after_restart[0].window.groups.at(0)->gaussian.value->total ==
        uninterrupted[0].window.groups.at(0)->gaussian.value->total);
  store.commit_windows(stream, restarted.references(), after_restart, nullptr);

  // Two rows per window, the chain rule on each pair row.
  store::Database& db = store.database();
  store::Statement rows = db.prepare(
      "SELECT kind, n, incomplete, kl_joint, kl_marginal_x, kl_conditional_y_given_x, "
      "kl_marginal_y, kl_conditional_x_given_y, gaussian_kl, detail FROM joint_window_metrics "
      "ORDER BY window_start, kind");
  int pairs = 0;
  int groups = 0;
  while (rows.step()) {
    const nlohmann::json detail = nlohmann::json::parse(rows.column_text(9));
    if (rows.column_text(0) == "pair") {
      ++pairs;
      CHECK(rows.column_int(1) + rows.column_int(2) == 100);
      const double joint = rows.column_double(3);
      CHECK(std::abs(rows.column_double(4) + rows.column_double(5) - joint) <= 1e-12 * joint);
      CHECK(std::abs(rows.column_double(6) + rows.column_double(7) - joint) <= 1e-12 * joint);
      REQUIRE(detail["cells"].size() == 3);  // a, b, __other__ by y's 4 bins
      CHECK(detail["cells"][0].size() == 4);
    } else {
      ++groups;
      CHECK(rows.column_double(8) > 0);
      CHECK(detail["gaussian"]["kl"].get<double>() == rows.column_double(8));
    }
  }
  CHECK(pairs == 2);
  CHECK(groups == 2);

  // The historical queries take the pair's name.
  store::MetricQuery query;
  query.stream = "s";
  query.feature = "y|c";
  query.metric = "kl_conditional_y_given_x";
  const auto series = store::metric_series_json(db, query);
  CHECK(series["kind"] == "pair");
  REQUIRE(series["points"].size() == 2);
  const auto window = store::joint_window_json(db, series["points"][1]["window_id"].get<int64_t>());
  CHECK(window["name"] == "y|c");
  CHECK(window["kl_conditional_y_given_x"] == series["points"][1]["value"]);
  query.metric = "missing";
  CHECK_THROWS_AS(store::metric_series_json(db, query), InputError);

  // Promoting the last window's features keeps the pair, over their new
  // versions (the same bins); promoting the pair and the group makes the
  // window's cells and moments their references.
  const int64_t last_start = after_restart[0].window.bounds.start;
  const std::vector<std::string> features{"x", "c", "y"};
  const store::Promotion feature_promotion =
      store::promote_window(store, "s", last_start, features);
  CHECK(feature_promotion.features.size() == 3);
  CHECK(feature_promotion.joint.empty());
  const auto rebased = store.load_active_references(stream);
  REQUIRE(rebased);
  CHECK(rebased->features[1].version == 2);
  REQUIRE(rebased->pairs[0].present());
  CHECK(rebased->pairs[0].id == loaded->pairs[0].id);

  const std::vector<std::string> joint{"y|c", "xy"};
  const store::Promotion promotion = store::promote_window(store, "s", last_start, joint);
  CHECK(promotion.features.empty());
  REQUIRE(promotion.joint.size() == 2);
  CHECK(promotion.joint[0].name == "xy");
  CHECK(promotion.joint[1].name == "y|c");
  CHECK(promotion.joint[1].previous_version == 1);
  CHECK(promotion.joint[1].version == 2);
  const auto promoted = store.load_active_references(stream);
  REQUIRE(promoted);
  REQUIRE(promoted->pairs[0].present());
  CHECK(promoted->pairs[0].cells == resumed_pair.cells);
  CHECK(promoted->pairs[0].incomplete == resumed_pair.incomplete);
  REQUIRE(promoted->groups[0].present());
  const GroupEvaluation& resumed_group = *after_restart[0].window.groups.at(0);
  CHECK(promoted->groups[0].moments.count() == resumed_group.n);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(promoted->groups[0].moments.mean()[i] ==
          Approx(resumed_group.moments.mean()[i]).epsilon(1e-12));
    CHECK(promoted->groups[0].moments.covariance()[i * 3] ==
          Approx(resumed_group.moments.covariance()[i * 3]).epsilon(1e-9));
  }
  // The promoted group sees its own window as no drift.
  const GroupEvaluation same =
      evaluate_group(resumed_group.moments, promoted->groups[0].moments, 0.0);
  CHECK(same.gaussian.value->total == Approx(0.0).margin(1e-9));
  const std::vector<std::string> unknown{"y|x"};
  CHECK_THROWS_WITH(store::promote_window(store, "s", last_start, unknown),
                    "stream 's' has no feature, pair or group 'y|x' (its features, pairs and "
                    "groups: x, c, y, xy, y|c)");

  // A new reference of feature c: the pair is over c's bins, so it has none
  // until the next capture or import; the group keeps its own.
  StreamReferences changed = *store.load_active_references(stream);
  store.save_references(stream, changed.features, "import:c.csv");
  const auto reloaded = store.load_active_references(stream);
  REQUIRE(reloaded);
  CHECK_FALSE(reloaded->pairs[0].present());
  CHECK(reloaded->groups[0].present());
  CHECK(reloaded->groups[0].id == promoted->groups[0].id);

  // Retention folds the pair's and the group's rows like the features'.
  const auto folded = store::apply_retention(
      db, {std::chrono::milliseconds(1), std::chrono::hours(24 * 365)}, INT64_C(1) << 60);
  CHECK(folded.joint_windows_folded == 4);
  CHECK(folded.joint_hours_folded > 0);  // and, this far in the future, hours into days
  // (Count windows are bucketed by their closing time: summed over buckets,
  // whichever hours the rows closed in.)
  store::Statement buckets = db.prepare(
      "SELECT name, sum(windows), sum(n + incomplete), count(headline) FROM v_joint_series "
      "WHERE resolution != 'window' GROUP BY name ORDER BY name");
  REQUIRE(buckets.step());
  CHECK(buckets.column_text(0) == "xy");
  CHECK(buckets.column_int(1) == 2);
  REQUIRE(buckets.step());
  CHECK(buckets.column_text(0) == "y|c");
  CHECK(buckets.column_int(1) == 2);
  CHECK(buckets.column_int(2) == 200);
  CHECK_FALSE(buckets.step());
}

}  // namespace
}  // namespace driftd
