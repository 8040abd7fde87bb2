#include "window/window_recorder.h"

#include <algorithm>
#include <cassert>
#include <memory>

namespace driftd {
namespace {

constexpr std::size_t kCacheLineWords = 64 / sizeof(std::uint64_t);

std::size_t round_up_to_cache_line(std::size_t words) {
  return (words + kCacheLineWords - 1) / kCacheLineWords * kCacheLineWords;
}

// The first cache-line boundary in `storage`, which holds kCacheLineWords - 1
// spare words for the purpose.
std::uint64_t* first_cache_line(std::vector<std::uint64_t>& storage) {
  void* base = storage.data();
  std::size_t space = storage.size() * sizeof(std::uint64_t);
  return static_cast<std::uint64_t*>(
      std::align(64, space - (kCacheLineWords - 1) * sizeof(std::uint64_t), base, space));
}

void add_block(std::uint64_t* block, std::span<const std::uint64_t> deltas) {
  for (std::size_t i = 0; i < deltas.size(); ++i) {
    block[i] += deltas[i];
  }
}

}  // namespace

WindowRecorder::WindowRecorder(std::size_t counters, std::size_t writers,
                               std::size_t open_panes, PaneId first_open_pane,
                               LatePieces late_pieces)
    : counters_(counters),
      writers_(writers),
      open_panes_(open_panes),
      late_pieces_(late_pieces),
      half_words_((open_panes + 1) * counters),
      shard_words_(round_up_to_cache_line(2 * half_words_)),
      storage_(writers * shard_words_ + kCacheLineWords - 1, 0),
      shards_(first_cache_line(storage_)),
      published_first_open_(first_open_pane),
      published_end_(first_open_pane + static_cast<PaneId>(open_panes)),
      first_open_(first_open_pane),
      settled_(half_words_, 0) {
  assert(counters > 0 && writers > 0 && open_panes > 0);
}

WindowRecorder::Batch::Batch(WindowRecorder& recorder, std::size_t writer)
    : recorder_(recorder),
      phase_(recorder.phaser_.enter()),
      // relaxed: enter()'s acquire already makes every range published before
      // the flip that started this phase visible; a newer value is as good
      // (I2 bounds what a batch of this period can see).
      first_open_(recorder.published_first_open_.load(std::memory_order_relaxed)),
      // relaxed: as above.
      end_(recorder.published_end_.load(std::memory_order_relaxed)),
      half_(recorder.half(writer, phase_)) {
  assert(writer < recorder.writers_);
}

RecordOutcome WindowRecorder::Batch::record(PaneId pane, std::span<const std::uint64_t> deltas) {
  assert(deltas.size() == recorder_.counters_);
  if (pane < first_open_) {
    if (recorder_.late_pieces_ == LatePieces::refused) return RecordOutcome::late;
    add_block(half_ + recorder_.open_panes_ * recorder_.counters_, deltas);
    return RecordOutcome::late;
  }
  if (pane >= end_) {
    return RecordOutcome::beyond_horizon;
  }
  add_block(half_ + recorder_.slot_of(pane) * recorder_.counters_, deltas);
  return RecordOutcome::recorded;
}

std::size_t WindowRecorder::slot_of(PaneId pane) const {
  return static_cast<std::size_t>(floor_mod(pane, static_cast<PaneId>(open_panes_)));
}

std::uint64_t* WindowRecorder::half(std::size_t writer, unsigned phase) {
  return shards_ + writer * shard_words_ + phase * half_words_;
}

void WindowRecorder::drain(unsigned phase) {
  for (std::size_t writer = 0; writer < writers_; ++writer) {
    std::uint64_t* cold = half(writer, phase);
    for (std::size_t i = 0; i < half_words_; ++i) {
      settled_[i] += cold[i];
    }
    std::fill_n(cold, half_words_, 0);
  }
}

ClosedPanes WindowRecorder::close_panes_before(PaneId first_open, std::span<std::uint64_t> out) {
  assert(first_open >= first_open_);
  const PaneId horizon = static_cast<PaneId>(open_panes_);
  const ClosedPanes closed{first_open_, first_open, std::min(first_open - first_open_, horizon)};
  assert(out.size() >= static_cast<std::size_t>(closed.with_counts) * counters_);

  first_open_ = first_open;
  // relaxed: published to batches of the next period by the flip's release
  // below; batches of this period may see either value (I2).
  published_first_open_.store(first_open, std::memory_order_relaxed);
  const unsigned old_phase = phaser_.flip();
  // relaxed: no batch that saw the old range is left (I2), and the reader
  // drains the slots this opens only at the next flip (I1, I4); batches that
  // began meanwhile may see either value.
  published_end_.store(first_open + horizon, std::memory_order_relaxed);
  drain(old_phase);

  for (std::int64_t i = 0; i < closed.with_counts; ++i) {
    const auto slot_counts =
        std::span(settled_).subspan(slot_of(closed.first + i) * counters_, counters_);
    std::copy(slot_counts.begin(), slot_counts.end(),
              out.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(i) * counters_));
    std::fill(slot_counts.begin(), slot_counts.end(), 0);
  }
  return closed;
}

std::span<const std::uint64_t> WindowRecorder::settled_counts(PaneId pane) const {
  assert(pane >= first_open_ && pane < first_open_ + static_cast<PaneId>(open_panes_));
  return std::span(settled_).subspan(slot_of(pane) * counters_, counters_);
}

void WindowRecorder::take_settled_counts(std::span<std::uint64_t> out) {
  assert(out.size() >= open_panes_ * counters_);
  for (std::size_t i = 0; i < open_panes_; ++i) {
    const auto slot_counts = std::span(settled_).subspan(
        slot_of(first_open_ + static_cast<PaneId>(i)) * counters_, counters_);
    std::copy(slot_counts.begin(), slot_counts.end(),
              out.begin() + static_cast<std::ptrdiff_t>(i * counters_));
    std::fill(slot_counts.begin(), slot_counts.end(), 0);
  }
}

std::span<const std::uint64_t> WindowRecorder::late_counts() const {
  return std::span(settled_).subspan(open_panes_ * counters_, counters_);
}

void WindowRecorder::restore_counts(PaneId pane, std::span<const std::uint64_t> counts) {
  assert(pane >= first_open_ && pane < first_open_ + static_cast<PaneId>(open_panes_));
  assert(counts.size() == counters_);
  add_block(settled_.data() + slot_of(pane) * counters_, counts);
}

}  // namespace driftd
