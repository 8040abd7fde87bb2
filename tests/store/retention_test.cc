// Retention by downsampling: old window rows become hourly buckets, old hourly
// buckets daily ones, with exact sums, extremes, and nothing counted twice
// when a bucket is added to later. Checked through the tables and through
// v_metric_series, against values worked out here.
#include "store/retention.h"

#include <cmath>
#include <filesystem>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "store/migrations.h"

namespace driftd::store {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kT0 = 1'700'000'000'000 / kDay * kDay;  // midnight UTC

class RetentionDb {
 public:
  // ctest runs test cases in parallel processes: one file each.
  explicit RetentionDb(const std::string& name) : db_(path(name), Database::Mode::kReadWrite) {
    apply_migrations(db_, bundled_migrations());
    db_.execute(
        "INSERT INTO streams VALUES ('time', 'http', '{\"window\": \"tumbling\"}', 0, 0);"
        "INSERT INTO streams VALUES ('count', 'http', '{\"window\": \"count\"}', 0, 0);"
        "INSERT INTO reference_distributions (id, stream, feature, version, feature_type, "
        "origin, bins_json, histogram, n, missing, active, created_at) "
        "VALUES (1, 'time', 'x', 1, 'numeric', 'capture', '{}', x'00', 1, 0, 1, 0)");
  }
  static std::filesystem::path path(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / "driftd_retention_test";
    std::filesystem::create_directories(dir);
    const auto file = dir / (name + ".db");
    std::filesystem::remove(file);
    return file;
  }

  // A window row; jsd nullopt: not measured (no comparison).
  void window(const std::string& stream, int64_t start, int64_t closed_at, int64_t n,
              std::optional<double> jsd, double p_value = 0.5) {
    Statement insert = db_.prepare(
        "INSERT INTO window_metrics (stream, feature, window_start, window_end, reference_id, "
        "n, missing, invalid, late, jsd, kl_pq, psi, hellinger, tv, p_value, histogram, "
        "closed_at) VALUES (?1, 'x', ?2, ?2 + 1000, 1, ?3, 1, 2, 3, ?4, ?4, ?4, ?4, ?4, ?5, "
        "x'00', ?6)");
    insert.bind(1, std::string_view(stream)).bind(2, start).bind(3, n).bind(5, p_value).bind(6, closed_at);
    if (jsd) {
      insert.bind(4, *jsd);
    } else {
      insert.bind_null(4);
    }
    insert.run();
  }

  int64_t count(const std::string& sql) {
    Statement query = db_.prepare(sql);
    REQUIRE(query.step());
    return query.column_int(0);
  }
  double real(const std::string& sql) {
    Statement query = db_.prepare(sql);
    REQUIRE(query.step());
    return query.column_double(0);
  }
  Database& db() { return db_; }

 private:
  Database db_;
};

TEST_CASE("Old window rows fold into hourly buckets with exact sums and extremes") {
  RetentionDb t("fold");
  // Hour 0: three windows (one not measured); hour 1: one; recent: one.
  t.window("time", kT0 + 1000, kT0 + 2000, 100, 0.1, 0.2);
  t.window("time", kT0 + 5000, kT0 + 6000, 200, 0.3, 0.01);
  t.window("time", kT0 + 9000, kT0 + 10000, 50, std::nullopt);
  t.window("time", kT0 + kHour + 1, kT0 + kHour + 1001, 10, 0.7);
  t.window("time", kT0 + 3 * kHour, kT0 + 3 * kHour + 1000, 5, 0.9);
  // A count stream: its window bounds are sequence numbers, its time is closed_at.
  t.window("count", 0, kT0 + 10, 1000, 0.05);

  const RetentionResult first =
      apply_retention(t.db(), {std::chrono::hours(1), std::chrono::hours(24 * 90)}, kT0 + 3 * kHour);
  CHECK(first.windows_folded == 5);  // all but the recent one
  CHECK(first.hours_folded == 0);
  CHECK(t.count("SELECT count(*) FROM window_metrics") == 1);
  CHECK(t.count("SELECT windows FROM window_rollups WHERE stream = 'time' AND bucket_start = " +
                std::to_string(kT0)) == 3);
  CHECK(t.count("SELECT n FROM window_rollups WHERE stream = 'time' AND bucket_start = " +
                std::to_string(kT0)) == 350);
  CHECK(t.count("SELECT measured FROM window_rollups WHERE stream = 'time' AND bucket_start = " +
                std::to_string(kT0)) == 2);
  CHECK(t.real("SELECT jsd_sum FROM window_rollups WHERE stream = 'time' AND bucket_start = " +
               std::to_string(kT0)) == Approx(0.4));
  CHECK(t.real("SELECT jsd_max FROM window_rollups WHERE stream = 'time' AND bucket_start = " +
               std::to_string(kT0)) == 0.3);
  CHECK(t.real("SELECT p_value_min FROM window_rollups WHERE stream = 'time' AND "
               "bucket_start = " + std::to_string(kT0)) == 0.01);
  CHECK(t.count("SELECT missing + invalid + late FROM window_rollups WHERE stream = 'time' "
                "AND bucket_start = " + std::to_string(kT0)) == 3 * (1 + 2 + 3));
  CHECK(t.count("SELECT bucket_start FROM window_rollups WHERE stream = 'count'") == kT0);
  // The view: the mean over the measured windows of the bucket.
  CHECK(t.real("SELECT jsd FROM v_metric_series WHERE stream = 'time' AND resolution = 'hour' "
               "AND start = " + std::to_string(kT0)) == Approx(0.2));
  CHECK(t.count("SELECT count(*) FROM v_metric_series WHERE stream = 'time'") == 3);

  // The sample-size-aware values (migration 0006): only the windows that
  // have them count, as for windows stored before migration 0005.
  t.db().execute("UPDATE window_metrics SET jsd_corrected = 0.02, p_value_calibrated = 0.3 "
                 "WHERE window_start = " + std::to_string(kT0 + 3 * kHour));
  // Two more windows of hour 1, one with the values, join its bucket.
  t.window("time", kT0 + kHour + 2000, kT0 + kHour + 3000, 7, 0.4);
  t.window("time", kT0 + kHour + 5000, kT0 + kHour + 6000, 7, 0.6);
  t.db().execute("UPDATE window_metrics SET jsd_corrected = -0.001, p_value_calibrated = 0.04 "
                 "WHERE window_start = " + std::to_string(kT0 + kHour + 2000));
  apply_retention(t.db(), {std::chrono::hours(1), std::chrono::hours(24 * 90)}, kT0 + 3 * kHour);
  const std::string hour1 = std::to_string(kT0 + kHour);
  CHECK(t.count("SELECT windows FROM window_rollups WHERE bucket_start = " + hour1) == 3);
  CHECK(t.count("SELECT corrected_measured FROM window_rollups WHERE bucket_start = " + hour1) ==
        1);
  CHECK(t.real("SELECT jsd_corrected_max FROM window_rollups WHERE bucket_start = " + hour1) ==
        -0.001);
  CHECK(t.real("SELECT jsd_corrected FROM v_metric_series WHERE resolution = 'hour' AND "
               "start = " + hour1) == -0.001);
  CHECK(t.real("SELECT p_value_calibrated FROM v_metric_series WHERE resolution = 'hour' AND "
               "start = " + hour1) == 0.04);
  CHECK(t.real("SELECT jsd_corrected FROM v_metric_series WHERE resolution = 'window'") == 0.02);
  CHECK(t.count("SELECT count(*) FROM v_metric_series WHERE resolution = 'hour' AND "
                "jsd_corrected IS NULL AND stream = 'time'") == 1);

  // A late-closing window of hour 0 folds into the same bucket later.
  t.window("time", kT0 + 20000, kT0 + 21000, 1, 0.5);
  apply_retention(t.db(), {std::chrono::hours(1), std::chrono::hours(24 * 90)}, kT0 + 3 * kHour);
  CHECK(t.count("SELECT windows FROM window_rollups WHERE stream = 'time' AND bucket_start = " +
                std::to_string(kT0)) == 4);
  CHECK(t.real("SELECT jsd_max FROM window_rollups WHERE stream = 'time' AND bucket_start = " +
               std::to_string(kT0)) == 0.5);

  // Two days later with a day of hourly retention: the hours fold into a day.
  const RetentionResult later =
      apply_retention(t.db(), {std::chrono::hours(1), std::chrono::hours(24)}, kT0 + 2 * kDay);
  CHECK(later.windows_folded == 1);
  CHECK(t.count("SELECT count(*) FROM window_rollups WHERE resolution = 'hour'") == 0);
  CHECK(t.count("SELECT windows FROM window_rollups WHERE stream = 'time' AND "
                "resolution = 'day'") == 8);
  CHECK(t.count("SELECT n FROM window_rollups WHERE stream = 'time' AND resolution = 'day'") ==
        350 + 10 + 5 + 1 + 7 + 7);
  CHECK(t.count("SELECT corrected_measured FROM window_rollups WHERE stream = 'time' AND "
                "resolution = 'day'") == 2);
  CHECK(t.real("SELECT jsd_corrected_sum FROM window_rollups WHERE stream = 'time' AND "
               "resolution = 'day'") == Approx(0.019));
  CHECK(t.real("SELECT p_value_calibrated_min FROM window_rollups WHERE stream = 'time' AND "
               "resolution = 'day'") == 0.04);
  CHECK(t.real("SELECT jsd_max FROM window_rollups WHERE stream = 'time' AND "
               "resolution = 'day'") == 0.9);
}

TEST_CASE("The views answer on an empty database") {
  RetentionDb t("views");
  for (const char* view : {"v_alerts_open", "v_alert_events", "v_metric_series", "v_stream_health"}) {
    INFO(view);
    CHECK(t.count(std::string("SELECT count(*) FROM ") + view) >= 0);
  }
  CHECK(t.count("SELECT count(*) FROM v_stream_health") == 2);
}

}  // namespace
}  // namespace driftd::store
