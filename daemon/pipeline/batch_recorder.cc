#include "pipeline/batch_recorder.h"

#include <algorithm>
#include <array>
#include <type_traits>
#include <utility>

#include "pipeline/group_moments.h"

namespace driftd {

void DeferredPieces::push(PaneId pane, std::span<const uint64_t> deltas) {
  std::lock_guard lock(mutex_);
  pieces_.push_back({pane, std::vector<uint64_t>(deltas.begin(), deltas.end())});
}

std::vector<PanePiece> DeferredPieces::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(pieces_, {});
}

BatchRecorder::BatchRecorder(const CounterLayout& layout,
                             std::span<const FeatureReference> references,
                             std::span<const FeatureColumn> columns,
                             std::span<const GroupReference> groups)
    : layout_(layout),
      references_(references),
      columns_(columns),
      groups_(groups),
      deltas_(layout.size(), 0),
      bins_(columns.size()),
      in_pair_(columns.size(), false) {
  for (const PairSlots& pair : layout_.pairs()) {
    if (pair.cells() == 0) continue;  // not recorded
    in_pair_[pair.x] = columns_[pair.x].numeric;
    in_pair_[pair.y] = columns_[pair.y].numeric;
  }
  for (const GroupSlots& group : layout_.groups()) {
    group_scratch_.resize(
        std::max(group_scratch_.size(), group_scratch_size(group.features.size())));
  }
}

std::span<const uint32_t> BatchRecorder::bins_of(std::size_t f, const ingest::DecodedBatch& batch,
                                                 std::size_t begin, std::size_t end) const {
  const FeatureColumn& column = columns_[f];
  if (!column.numeric) {
    // Category ids are bins; the missing and invalid markers lie beyond them.
    return batch.categorical(column.column).subspan(begin, end - begin);
  }
  return std::span(bins_[f].data(), end - begin);  // assigned by fill_deltas
}

void BatchRecorder::fill_pairs(const ingest::DecodedBatch& batch, std::size_t begin,
                               std::size_t end) {
  for (const PairSlots& pair : layout_.pairs()) {
    if (pair.cells() == 0) continue;  // not recorded
    const std::span<const uint32_t> x_bins = bins_of(pair.x, batch, begin, end);
    const std::span<const uint32_t> y_bins = bins_of(pair.y, batch, begin, end);
    uint64_t* const cells = deltas_.data() + pair.first;
    uint64_t incomplete = 0;
    for (std::size_t row = 0; row < x_bins.size(); ++row) {
      const uint32_t x = x_bins[row];
      const uint32_t y = y_bins[row];
      if (x >= pair.x_bins || y >= pair.y_bins) {
        ++incomplete;
        continue;
      }
      ++cells[static_cast<std::size_t>(x) * pair.y_bins + y];
    }
    deltas_[pair.incomplete()] = incomplete;
  }
}

void BatchRecorder::fill_groups(const ingest::DecodedBatch& batch, std::size_t begin,
                                std::size_t end) {
  std::array<std::span<const double>, kMaxGroupFeatures> columns;
  for (std::size_t g = 0; g < layout_.groups().size(); ++g) {
    const GroupSlots& group = layout_.groups()[g];
    const std::size_t d = group.features.size();
    if (d == 0) continue;  // not recorded
    for (std::size_t i = 0; i < d; ++i) {
      columns[i] = batch.numeric(columns_[group.features[i]].column).subspan(begin, end - begin);
    }
    add_group_moments(std::span(columns.data(), d), groups_[g].standards,
                      std::span(deltas_).subspan(group.first, group_sum_words(d)), group_scratch_);
  }
}

void BatchRecorder::fill_deltas(const ingest::DecodedBatch& batch, std::size_t begin,
                                std::size_t end) {
  std::fill(deltas_.begin(), deltas_.end(), 0);
  deltas_[CounterLayout::kEvents] = end - begin;
  for (std::size_t f = 0; f < columns_.size(); ++f) {
    if (!references_[f].present()) continue;  // counted by nobody
    const FeatureSlots& slots = layout_.feature(f);
    const FeatureColumn& column = columns_[f];
    if (column.numeric) {
      const auto values = batch.numeric(column.column).subspan(begin, end - begin);
      // The binner's last slot (NaN) is the feature's missing counter; the
      // invalid values among them are moved over below.
      const std::span<uint64_t> counts = std::span(deltas_).subspan(slots.first, slots.bins + 1);
      if (in_pair_[f]) {
        // Each value's bin, kept for the pairs, makes the histogram too.
        std::vector<uint32_t>& bins = bins_[f];
        if (bins.size() < values.size()) bins.resize(values.size());
        const std::span<uint32_t> assigned(bins.data(), values.size());
        references_[f].bins.binner().assign(values, assigned);
        for (const uint32_t bin : assigned) ++counts[bin];
      } else {
        references_[f].bins.binner().count(values, counts);
      }
      if (batch.numeric_counts(column.column).invalid > 0) {
        const auto invalid = static_cast<uint64_t>(
            std::count_if(values.begin(), values.end(), ingest::is_invalid_number));
        deltas_[slots.missing()] -= invalid;
        deltas_[slots.invalid()] += invalid;
      }
      if (slots.has_moments) {
        MomentSums sums;
        add_moments(values, references_[f].standardisation(), sums);
        deltas_[slots.moments()] = sums.sum_z;
        deltas_[slots.moments() + 1] = sums.sum_z2;
      }
    } else {
      for (uint32_t id : batch.categorical(column.column).subspan(begin, end - begin)) {
        if (id == ingest::kMissingCategory) {
          ++deltas_[slots.missing()];
        } else if (id == ingest::kInvalidCategory) {
          ++deltas_[slots.invalid()];
        } else {
          ++deltas_[slots.first + id];
        }
      }
    }
  }
  fill_pairs(batch, begin, end);
  fill_groups(batch, begin, end);
}

template <class Windows>
uint64_t BatchRecorder::record(Windows& windows, const WindowSpec& spec,
                               std::size_t writer, const ingest::DecodedBatch& batch,
                               std::size_t first_row, int64_t now_ms, DeferredPieces& deferred,
                               std::optional<int64_t> time_limit) {
  const std::size_t rows = batch.rows();
  if (first_row >= rows) return 0;
  uint64_t late = 0;
  constexpr bool kDeltas = std::is_same_v<Windows, PaneDeltaRecorder>;
  auto recorder_batch = windows.recorder().begin_batch(writer);
  const auto record_piece = [&](PaneId pane, std::size_t begin, std::size_t end) {
    fill_deltas(batch, begin, end);
    switch (recorder_batch.record(pane, deltas_)) {
      case RecordOutcome::recorded: break;
      case RecordOutcome::late:
        if constexpr (kDeltas) {
          deferred.push(pane, deltas_);
        } else {
          late += end - begin;
        }
        break;
      case RecordOutcome::beyond_horizon: deferred.push(pane, deltas_); break;
    }
  };

  if constexpr (!kDeltas) {  // a PaneDeltaRecorder has time windows only
    if (!spec.is_time_window()) {
      const auto count = static_cast<int64_t>(rows - first_row);
      const SequenceRange range = windows.sequencer().reserve(count);
      for (int64_t offset = 0; offset < count;) {
        const CountPiece piece = windows.sequencer().piece_at(range, offset);
        const std::size_t begin = first_row + static_cast<std::size_t>(piece.offset);
        record_piece(piece.pane, begin, begin + static_cast<std::size_t>(piece.length));
        offset = piece.offset + piece.length;
      }
      return late;
    }
  }
  if (spec.domain() == TimeDomain::processing_time) {
    record_piece(windows.clock().pane_of(now_ms), first_row, rows);
  } else {
    const auto times = batch.event_time_ms();
    const int64_t latest = *std::max_element(times.begin() + first_row, times.end());
    const int64_t observed = time_limit ? std::min(latest, *time_limit) : latest;
    if (observed > kMinTimestampMs) windows.watermark().observe(observed);
    // Rows mostly arrive in time order: record each run of rows that share a
    // pane as one piece.
    std::size_t begin = first_row;
    while (begin < rows) {
      const PaneId pane = windows.clock().pane_of(times[begin]);
      std::size_t end = begin + 1;
      while (end < rows && windows.clock().pane_of(times[end]) == pane) ++end;
      record_piece(pane, begin, end);
      begin = end;
    }
  }
  return late;
}

template uint64_t BatchRecorder::record(WindowAssembler&, const WindowSpec&, std::size_t,
                                        const ingest::DecodedBatch&, std::size_t, int64_t,
                                        DeferredPieces&, std::optional<int64_t>);
template uint64_t BatchRecorder::record(PaneDeltaRecorder&, const WindowSpec&, std::size_t,
                                        const ingest::DecodedBatch&, std::size_t, int64_t,
                                        DeferredPieces&, std::optional<int64_t>);

}  // namespace driftd
