// Retention by downsampling: window rows older than `full` are folded into
// hourly buckets (window_rollups) and deleted; hourly buckets older than
// `hourly` into daily ones. History gets coarser with age instead of
// disappearing; v_metric_series reads all three resolutions. The rows of
// pairs and groups go the same way (joint_window_rollups, v_joint_series).
//
// A window's time is its window_start for time windows and its closed_at for
// count windows (whose bounds are sequence numbers). Buckets hold sums and
// extremes, so folding more windows into a bucket later adds up exactly;
// +inf measures (stored as NULL) are left out of the sums and the maxima.
//
// Thread safety: on the writer connection's thread (the window manager).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "store/sqlite.h"

namespace driftd::store {

struct RetentionPolicy {
  std::chrono::milliseconds full;    // window rows older than this are folded into hours
  std::chrono::milliseconds hourly;  // hourly buckets older than this into days
};

struct RetentionResult {
  int64_t windows_folded = 0;  // window rows (one per feature) folded and deleted
  int64_t hours_folded = 0;    // hourly buckets folded and deleted
  int64_t joint_windows_folded = 0;  // pair and group window rows folded and deleted
  int64_t joint_hours_folded = 0;    // their hourly buckets folded and deleted
};

// One transaction. now_ms: the present (wall clock), for the cutoffs.
RetentionResult apply_retention(Database& db, const RetentionPolicy& policy, int64_t now_ms);

}  // namespace driftd::store
