#include "window/pane_delta_recorder.h"

#include <algorithm>
#include <string>

#include "common/error.h"
#include "window/window_assembler.h"

namespace driftd {
namespace {

const WindowSpec& require_time_window(const WindowSpec& spec) {
  if (!spec.is_time_window()) {
    throw InputError("count windows have no order across partitions: no pane deltas for them");
  }
  return spec;
}

std::size_t require_positive(const char* what, std::size_t value) {
  if (value == 0) throw InputError(std::string("a pane delta recorder needs at least one ") + what);
  return value;
}

bool any_count(std::span<const std::uint64_t> block) {
  return std::any_of(block.begin(), block.end(), [](std::uint64_t word) { return word != 0; });
}

}  // namespace

PaneDeltaRecorder::PaneDeltaRecorder(const WindowSpec& spec, std::size_t counters,
                                     std::size_t writers, std::size_t spare_open_panes)
    : clock_(require_time_window(spec)),
      watermark_(spec.allowed_lateness()),
      recorder_(require_positive("counter", counters), require_positive("writer", writers),
                open_panes_for(spec, spare_open_panes), initial_first_open_pane(spec),
                LatePieces::refused),
      closed_blocks_(recorder_.open_panes() * counters, 0),
      open_blocks_(recorder_.open_panes() * counters, 0) {
  taken_.reserve(2 * recorder_.open_panes());
}

std::span<const PaneCounts> PaneDeltaRecorder::take() {
  taken_.clear();
  const std::size_t words = counters();
  const PaneId first_open =
      std::max(recorder_.first_open_pane(), watermark_.first_unclosable_pane(clock_));
  const ClosedPanes closed = recorder_.close_panes_before(first_open, closed_blocks_);
  recorder_.take_settled_counts(open_blocks_);
  const auto hand_out = [&](PaneId pane, std::span<const std::uint64_t> block) {
    if (any_count(block)) taken_.push_back({pane, block});
  };
  for (std::int64_t i = 0; i < closed.with_counts; ++i) {
    hand_out(closed.first + i,
             std::span<const std::uint64_t>(closed_blocks_).subspan(static_cast<std::size_t>(i) * words, words));
  }
  for (std::size_t i = 0; i < recorder_.open_panes(); ++i) {
    hand_out(first_open + static_cast<PaneId>(i),
             std::span<const std::uint64_t>(open_blocks_).subspan(i * words, words));
  }
  return taken_;
}

}  // namespace driftd
