// Capture of a stream's reference from its first events (reference type
// "capture"): collects every feature's values until the configured number of
// events (or, without one, the events of the stream's first window) has been
// seen, then builds each feature's reference from them. The capture ends
// there whatever it found: a feature with fewer than reference.min_values
// values (absent from the events, null, or of the wrong type) gets no
// reference (FeatureReference::present() false) and the others are
// monitored.
//
// Where the capture ends
//   Count windows and processing time: in arrival order, after `events`
//   events (count windows: default one window's worth), or at the first
//   event at or after the end of the first window (by the clock).
//   Event time (the windows' domain, window_spec.h; a cluster owner's
//   windows are in event time whatever the configuration, the rows of a
//   processing-time stream carrying when their instance read them): in
//   order of the rows' times, at a *cut* on a pane boundary (`slide`,
//   or `size` for tumbling), so the windows after it start whole whatever
//   order the partitions of a topic arrive in:
//     with `events` N: the end of the pane the N-th earliest event falls in
//                      (the reference holds at least N events);
//     without:         the end of the window of the earliest event.
//   The capture holds every row it is given (with its time) until the
//   watermark the source allows (`frontier`, see absorb()) has passed the
//   cut by allowed_lateness: then no on-time event before the cut is still
//   to come. Rows before the cut make the reference; the rows at or after
//   it are handed back (rows_after_cut()) to be recorded into windows.
//   It thus holds at most the reference plus the rows read ahead of the
//   slowest partition.
//
// Categorical values are interned (the capture owns its strings), so the
// decoder resolves them through the capture's own resolvers while the
// dictionary does not exist yet.
//
// Thread safety: none; the stream runtime serialises capture (it is a
// bounded, one-time phase, not the steady-state hot path).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "ingest/category_resolver.h"
#include "ingest/decoded_batch.h"
#include "pipeline/feature_reference.h"
#include "pipeline/joint_reference.h"
#include "pipeline/stream_schema.h"
#include "window/window_spec.h"

namespace driftd {

class ReferenceCapture {
 public:
  // `windows`: the stream's windows as its runtime records them (their
  // domain says how the capture ends, see above). REQUIRES:
  // stream.reference.type == capture.
  ReferenceCapture(const config::StreamConfig& stream, const StreamSchema& schema,
                   const WindowSpec& windows);

  // One resolver per categorical column, for the capture's decoder.
  std::vector<ingest::CategoryResolver*> resolvers();

  // Takes rows from `batch`; returns the index of the first row it did not
  // take (batch.rows() when it took them all). Count and processing-time
  // captures take rows until complete. Event-time captures take every row
  // and end once `frontier` -- how far the watermark may rise with this
  // batch: its latest event time, capped by the source's partition
  // alignment -- has passed the cut (see above).
  // now_ms: processing time, for time windows without event time.
  std::size_t absorb(const ingest::DecodedBatch& batch, int64_t now_ms, int64_t frontier);
  // Event time: the watermark may rise to `frontier` without new rows
  // (partitions holding it back went idle).
  void observe_frontier(int64_t frontier);

  bool complete() const { return complete_; }
  // The events in the reference (so far).
  uint64_t captured() const { return captured_; }
  bool event_time() const { return event_time_; }
  // Event time, once complete(): the cut (ms), the rows at or after it
  // (category ids are the capture's), and the frontier the capture ended at.
  int64_t cut_ms() const { return cut_ms_; }
  ingest::DecodedBatch& rows_after_cut() { return rows_after_cut_; }
  int64_t frontier() const { return frontier_; }

  // The references, once complete(), in the stream's feature order; a
  // feature with fewer than reference.min_values values has none.
  std::vector<FeatureReference> build() const;
  // The references of the stream's pairs and groups (config order), from the
  // same rows; `features` is build()'s result.
  std::vector<PairReference> build_pairs(std::span<const FeatureReference> features) const;
  std::vector<GroupReference> build_groups() const;

  // The values of feature f (config order) captured so far: numbers that
  // are not missing or invalid, categories that are not.
  uint64_t values(std::size_t feature) const;

  // The capture's id of a category value, for rows decoded with resolvers().
  std::string_view category(std::size_t categorical_column, uint32_t id) const {
    return resolvers_[categorical_column].value(id);
  }

 private:
  bool row_ends_capture(const ingest::DecodedBatch& batch, std::size_t row, int64_t now_ms);
  void take_row(const ingest::DecodedBatch& batch, std::size_t row);
  // Event time: the cut, once the rows held tell where it is.
  std::optional<int64_t> find_cut() const;
  // Event time: ends the capture if the frontier has passed the cut.
  void end_at_cut();

  const config::StreamConfig& stream_;
  const StreamSchema& schema_;
  const bool event_time_;                   // cut by event time (see above)
  std::optional<uint64_t> target_events_;   // capture this many events, or
  std::optional<int64_t> first_window_end_; // capture until this time (ms)
  int64_t window_length_ms_ = 0;
  uint64_t captured_ = 0;
  bool complete_ = false;
  std::vector<ingest::InterningResolver> resolvers_;            // per categorical column
  std::vector<std::vector<double>> numeric_values_;     // per numeric column
  std::vector<std::vector<uint32_t>> category_values_;  // per categorical column (ids)

  // Event time.
  int64_t pane_length_ms_ = 0;
  int64_t lateness_ms_ = 0;
  int64_t frontier_ = INT64_MIN;
  int64_t cut_ms_ = 0;
  int64_t earliest_ms_ = INT64_MAX;
  std::map<int64_t, uint64_t> rows_per_pane_;  // pane index -> rows held
  ingest::DecodedBatch held_;                  // every row taken, until the cut
  ingest::DecodedBatch rows_after_cut_;
};

}  // namespace driftd
