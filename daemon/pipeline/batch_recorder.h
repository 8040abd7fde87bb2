// The hot path of one writer: turns the rows of a decoded batch into counter
// deltas, one block per pane the rows fall in, and records them into the
// stream's window assembler. Numeric columns go through the SIMD binner,
// categorical ids straight to their bin; missing and invalid values are
// counted per feature; numeric features with a Gaussian reference add their
// fixed-point moment sums. A feature pair counts each event in the cell of
// its two bins (or as incomplete); a feature group adds its complete rows'
// moment sums (group_moments.h), standardised as its reference says. A
// feature, pair or group without reference is skipped (its counters stay 0;
// the layout gives such a pair or group no cells).
//
// Guarantees: no lock and no allocation per batch in steady state (the delta
// block and the bin-index buffers are reused, growing only with the largest
// batch); a piece beyond the open horizon is copied into the
// caller's DeferredPieces (rare: an event far ahead of the watermark), never
// lost.
//
// Thread safety: one BatchRecorder per writer thread; record() for one
// writer index at a time (the recorder's rule).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "ingest/decoded_batch.h"
#include "pipeline/counter_layout.h"
#include "pipeline/feature_reference.h"
#include "pipeline/joint_reference.h"
#include "pipeline/stream_schema.h"
#include "window/pane_delta_recorder.h"
#include "window/waiting_pieces.h"
#include "window/window_assembler.h"

namespace driftd {

// Pieces that writers could not record (beyond the horizon), for the window
// manager's slow path. Guarded by a mutex: only touched on that rare path.
class DeferredPieces {
 public:
  void push(PaneId pane, std::span<const uint64_t> deltas);
  std::vector<PanePiece> take();

 private:
  std::mutex mutex_;
  std::vector<PanePiece> pieces_;
};

class BatchRecorder {
 public:
  // REQUIRES: references and columns in the stream's feature order, groups
  // in its group order, matching layout (each recorded group's reference
  // present); all outlive the recorder.
  BatchRecorder(const CounterLayout& layout, std::span<const FeatureReference> references,
                std::span<const FeatureColumn> columns,
                std::span<const GroupReference> groups = {});

  // Records rows [first_row, batch.rows()) as writer `writer` into
  // `windows`: a WindowAssembler, or (cluster mode's instances, time windows
  // only) a PaneDeltaRecorder, where a piece for a pane handed out already
  // waits in `deferred` too (the owner decides what is late). now_ms is the
  // processing time (used by processing-time windows). Event-time windows
  // first raise the watermark to the batch's latest event time, capped by
  // `time_limit` when the source gives one (a Kafka source: the latest time
  // every other partition of the topic has reached, so one partition running
  // ahead does not make the others' events late); rows ahead of the horizon
  // that leaves wait in `deferred`. Returns the number of rows that were
  // late (their pane had closed).
  // REQUIRES: spec is the assembler's.
  template <class Windows>
  uint64_t record(Windows& windows, const WindowSpec& spec, std::size_t writer,
                  const ingest::DecodedBatch& batch, std::size_t first_row, int64_t now_ms,
                  DeferredPieces& deferred, std::optional<int64_t> time_limit = std::nullopt);

 private:
  void fill_deltas(const ingest::DecodedBatch& batch, std::size_t begin, std::size_t end);
  void fill_pairs(const ingest::DecodedBatch& batch, std::size_t begin, std::size_t end);
  void fill_groups(const ingest::DecodedBatch& batch, std::size_t begin, std::size_t end);
  // The bins of feature f's rows [begin, end): a bin index, or at least the
  // feature's bin count for a missing or invalid value. A numeric feature's
  // are those fill_deltas assigned for this piece (it is in a pair).
  std::span<const uint32_t> bins_of(std::size_t f, const ingest::DecodedBatch& batch,
                                    std::size_t begin, std::size_t end) const;

  const CounterLayout& layout_;
  std::span<const FeatureReference> references_;
  std::span<const FeatureColumn> columns_;
  std::span<const GroupReference> groups_;
  std::vector<uint64_t> deltas_;
  // By feature: each value's bin in the current piece, for the numeric
  // features in a pair (in_pair_), which are binned once for both uses.
  std::vector<std::vector<uint32_t>> bins_;
  std::vector<bool> in_pair_;
  std::vector<double> group_scratch_;                      // add_group_moments()'s
};

}  // namespace driftd
