#include "store/retention.h"

#include <string>

namespace driftd::store {
namespace {

// Merges `excluded` (the new part) into an existing bucket.
constexpr const char* kMergeBucket =
    " ON CONFLICT (stream, feature, resolution, bucket_start) DO UPDATE SET "
    "windows = windows + excluded.windows, n = n + excluded.n, "
    "missing = missing + excluded.missing, invalid = invalid + excluded.invalid, "
    "late = late + excluded.late, measured = measured + excluded.measured, "
    "kl_pq_sum = kl_pq_sum + excluded.kl_pq_sum, "
    "kl_pq_max = max(coalesce(kl_pq_max, excluded.kl_pq_max), coalesce(excluded.kl_pq_max, kl_pq_max)), "
    "jsd_sum = jsd_sum + excluded.jsd_sum, "
    "jsd_max = max(coalesce(jsd_max, excluded.jsd_max), coalesce(excluded.jsd_max, jsd_max)), "
    "psi_sum = psi_sum + excluded.psi_sum, "
    "psi_max = max(coalesce(psi_max, excluded.psi_max), coalesce(excluded.psi_max, psi_max)), "
    "hellinger_sum = hellinger_sum + excluded.hellinger_sum, "
    "hellinger_max = max(coalesce(hellinger_max, excluded.hellinger_max), "
    "coalesce(excluded.hellinger_max, hellinger_max)), "
    "tv_sum = tv_sum + excluded.tv_sum, "
    "tv_max = max(coalesce(tv_max, excluded.tv_max), coalesce(excluded.tv_max, tv_max)), "
    "p_value_min = min(coalesce(p_value_min, excluded.p_value_min), "
    "coalesce(excluded.p_value_min, p_value_min)), "
    "corrected_measured = corrected_measured + excluded.corrected_measured, "
    "jsd_corrected_sum = jsd_corrected_sum + excluded.jsd_corrected_sum, "
    "jsd_corrected_max = max(coalesce(jsd_corrected_max, excluded.jsd_corrected_max), "
    "coalesce(excluded.jsd_corrected_max, jsd_corrected_max)), "
    "p_value_calibrated_min = min(coalesce(p_value_calibrated_min, excluded.p_value_calibrated_min), "
    "coalesce(excluded.p_value_calibrated_min, p_value_calibrated_min))";

constexpr const char* kColumns =
    "(stream, feature, resolution, bucket_start, windows, n, missing, invalid, late, measured, "
    "kl_pq_sum, kl_pq_max, jsd_sum, jsd_max, psi_sum, psi_max, hellinger_sum, hellinger_max, "
    "tv_sum, tv_max, p_value_min, corrected_measured, jsd_corrected_sum, jsd_corrected_max, "
    "p_value_calibrated_min)";

// The window rows with their time (see the header), as a CTE.
constexpr const char* kTimedWindows =
    "WITH timed AS (SELECT w.*, CASE WHEN json_extract(s.config_json, '$.window') = 'count' "
    "THEN w.closed_at ELSE w.window_start END AS t "
    "FROM window_metrics w JOIN streams s ON s.name = w.stream) ";

// The same for joint_window_rollups: a pair's headline is
// kl_conditional_y_given_x, a group's gaussian_kl.
constexpr const char* kMergeJointBucket =
    " ON CONFLICT (stream, name, resolution, bucket_start) DO UPDATE SET "
    "windows = windows + excluded.windows, n = n + excluded.n, "
    "incomplete = incomplete + excluded.incomplete, late = late + excluded.late, "
    "measured = measured + excluded.measured, headline_sum = headline_sum + excluded.headline_sum, "
    "headline_max = max(coalesce(headline_max, excluded.headline_max), "
    "coalesce(excluded.headline_max, headline_max)), "
    "p_value_min = min(coalesce(p_value_min, excluded.p_value_min), "
    "coalesce(excluded.p_value_min, p_value_min))";

constexpr const char* kJointColumns =
    "(stream, name, kind, resolution, bucket_start, windows, n, incomplete, late, measured, "
    "headline_sum, headline_max, p_value_min)";

constexpr const char* kTimedJointWindows =
    "WITH timed AS (SELECT w.*, CASE WHEN json_extract(s.config_json, '$.window') = 'count' "
    "THEN w.closed_at ELSE w.window_start END AS t, "
    "CASE w.kind WHEN 'pair' THEN w.kl_conditional_y_given_x ELSE w.gaussian_kl END AS headline, "
    "CASE w.kind WHEN 'pair' THEN w.p_value_conditional "
    "ELSE min(w.t2_p_value, w.box_m_p_value) END AS headline_p "
    "FROM joint_window_metrics w JOIN streams s ON s.name = w.stream) ";

}  // namespace

RetentionResult apply_retention(Database& db, const RetentionPolicy& policy, int64_t now_ms) {
  constexpr int64_t kHour = 3'600'000;
  const int64_t window_cutoff = now_ms - policy.full.count();
  const int64_t hour_cutoff = now_ms - policy.hourly.count();
  RetentionResult result;
  Transaction transaction(db);

  db.prepare(std::string(kTimedWindows) + "INSERT INTO window_rollups " + kColumns +
             " SELECT stream, feature, 'hour', (t / 3600000) * 3600000, count(*), sum(n), "
             "sum(missing), sum(invalid), sum(late), count(jsd), total(kl_pq), max(kl_pq), "
             "total(jsd), max(jsd), total(psi), max(psi), total(hellinger), max(hellinger), "
             "total(tv), max(tv), min(p_value), count(jsd_corrected), total(jsd_corrected), "
             "max(jsd_corrected), min(p_value_calibrated) FROM timed WHERE t < ?1 "
             "GROUP BY stream, feature, t / 3600000" + kMergeBucket)
      .bind(1, window_cutoff)
      .run();
  db.prepare(std::string(kTimedWindows) +
             "DELETE FROM window_metrics WHERE id IN (SELECT id FROM timed WHERE t < ?1)")
      .bind(1, window_cutoff)
      .run();
  result.windows_folded = db.changes();

  db.prepare(std::string("INSERT INTO window_rollups ") + kColumns +
             " SELECT stream, feature, 'day', (bucket_start / 86400000) * 86400000, "
             "sum(windows), sum(n), sum(missing), sum(invalid), sum(late), sum(measured), "
             "sum(kl_pq_sum), max(kl_pq_max), sum(jsd_sum), max(jsd_max), sum(psi_sum), "
             "max(psi_max), sum(hellinger_sum), max(hellinger_max), sum(tv_sum), max(tv_max), "
             "min(p_value_min), sum(corrected_measured), sum(jsd_corrected_sum), "
             "max(jsd_corrected_max), min(p_value_calibrated_min) FROM window_rollups "
             "WHERE resolution = 'hour' AND bucket_start + ?2 <= ?1 "
             "GROUP BY stream, feature, bucket_start / 86400000" + kMergeBucket)
      .bind(1, hour_cutoff)
      .bind(2, kHour)
      .run();
  db.prepare("DELETE FROM window_rollups WHERE resolution = 'hour' AND bucket_start + ?2 <= ?1")
      .bind(1, hour_cutoff)
      .bind(2, kHour)
      .run();
  result.hours_folded = db.changes();

  db.prepare(std::string(kTimedJointWindows) + "INSERT INTO joint_window_rollups " +
             kJointColumns +
             " SELECT stream, name, kind, 'hour', (t / 3600000) * 3600000, count(*), sum(n), "
             "sum(incomplete), sum(late), count(headline), total(headline), max(headline), "
             "min(headline_p) FROM timed WHERE t < ?1 GROUP BY stream, name, t / 3600000" +
             kMergeJointBucket)
      .bind(1, window_cutoff)
      .run();
  db.prepare(std::string(kTimedJointWindows) +
             "DELETE FROM joint_window_metrics WHERE id IN (SELECT id FROM timed WHERE t < ?1)")
      .bind(1, window_cutoff)
      .run();
  result.joint_windows_folded = db.changes();
  db.prepare(std::string("INSERT INTO joint_window_rollups ") + kJointColumns +
             " SELECT stream, name, kind, 'day', (bucket_start / 86400000) * 86400000, "
             "sum(windows), sum(n), sum(incomplete), sum(late), sum(measured), sum(headline_sum), "
             "max(headline_max), min(p_value_min) FROM joint_window_rollups "
             "WHERE resolution = 'hour' AND bucket_start + ?2 <= ?1 "
             "GROUP BY stream, name, bucket_start / 86400000" + kMergeJointBucket)
      .bind(1, hour_cutoff)
      .bind(2, kHour)
      .run();
  db.prepare(
        "DELETE FROM joint_window_rollups WHERE resolution = 'hour' AND bucket_start + ?2 <= ?1")
      .bind(1, hour_cutoff)
      .bind(2, kHour)
      .run();
  result.joint_hours_folded = db.changes();
  transaction.commit();
  return result;
}

}  // namespace driftd::store
