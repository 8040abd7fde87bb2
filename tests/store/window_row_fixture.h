// Test fixture: a closed window's row in window_metrics, as driftd's window
// writer stores it (docs/schema.md) -- the histogram over the bins of the
// feature's active reference, compared with that reference, no measures.
// For the tests of `reference promote`, which read nothing else of the row.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "histogram/histogram_snapshot.h"
#include "pipeline/feature_bins.h"
#include "store/sqlite.h"

namespace driftd::test {

// REQUIRES: the feature has an active reference with counts.size() bins.
inline void insert_window_row(store::Database& db, const std::string& stream,
                              const std::string& feature, int64_t window_start,
                              const std::vector<uint64_t>& counts, uint64_t missing,
                              uint64_t invalid) {
  store::Statement active = db.prepare(
      "SELECT id, bins_json FROM reference_distributions "
      "WHERE stream = ?1 AND feature = ?2 AND active = 1");
  active.bind(1, std::string_view(stream)).bind(2, std::string_view(feature));
  if (!active.step()) throw std::logic_error("insert_window_row: no active reference");
  HistogramSnapshot histogram(FeatureBins::from_json(active.column_text(1)).layout());
  if (counts.size() != histogram.counts().size()) {
    throw std::logic_error("insert_window_row: the reference has " +
                           std::to_string(histogram.counts().size()) + " bins");
  }
  std::vector<uint64_t> binned = counts;
  binned.push_back(missing);
  histogram.add_binned(binned);
  histogram.add_invalid(invalid);
  uint64_t n = 0;
  for (uint64_t count : counts) n += count;
  db.prepare(
        "INSERT INTO window_metrics (stream, feature, window_start, window_end, reference_id, "
        "n, missing, invalid, late, histogram, closed_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?4)")
      .bind(1, std::string_view(stream))
      .bind(2, std::string_view(feature))
      .bind(3, window_start)
      .bind(4, window_start + 1000)
      .bind(5, active.column_int(0))
      .bind(6, static_cast<int64_t>(n))
      .bind(7, static_cast<int64_t>(missing))
      .bind(8, static_cast<int64_t>(invalid))
      .bind_blob(9, histogram.serialize())
      .run();
}

}  // namespace driftd::test
