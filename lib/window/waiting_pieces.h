// WaitingPieces: counter blocks a WindowAssembler could not take yet (beyond
// its open horizon: ahead of the watermark, or recorded before the first
// poll opened the horizon), kept until it can, and recorded in pane order,
// each as soon as closing the windows before it admits it. So the watermark
// never closes a pane under a piece that was on time when it arrived, and a
// piece is never dropped: one still beyond the horizon (its windows not due
// yet, or a count window ahead of one whose events are in flight) waits,
// with every piece after it, for a later call.
//
// Used by a stream's slow path (stream_runtime) and by a cluster owner
// adding instances' pane deltas (cluster/stream_merge).
//
// Thread safety: one thread, the assembler's manager.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

#include "window/pane.h"
#include "window/window_assembler.h"

namespace driftd {

// A block of counter deltas for one pane.
struct PanePiece {
  PaneId pane = 0;
  std::vector<std::uint64_t> deltas;

  friend bool operator==(const PanePiece&, const PanePiece&) = default;
};

class WaitingPieces {
 public:
  void add(PanePiece piece) { pieces_.push_back(std::move(piece)); }
  void add(std::vector<PanePiece> pieces) {
    std::move(pieces.begin(), pieces.end(), std::back_inserter(pieces_));
  }

  // Records the waiting pieces into `assembler` in pane order, calling
  // emit(const ClosedWindow&) for each window it closes to admit one and
  // late(const PanePiece&) for each piece whose pane had closed (the
  // assembler counted it late). Stops at the first piece still beyond the
  // horizon. REQUIRES: the pieces' deltas have assembler.counters() words.
  template <class Emit, class Late>
  void record_into(WindowAssembler& assembler, Emit&& emit, Late&& late) {
    std::stable_sort(pieces_.begin(), pieces_.end(),
                     [](const PanePiece& a, const PanePiece& b) { return a.pane < b.pane; });
    std::size_t recorded = 0;
    for (; recorded < pieces_.size(); ++recorded) {
      const PanePiece& piece = pieces_[recorded];
      RecordOutcome outcome;
      for (;;) {
        outcome = assembler.record_deferred(piece.pane, piece.deltas);
        if (outcome != RecordOutcome::beyond_horizon) break;
        const auto window = assembler.next_window_admitting(piece.pane);
        if (!window) {
          // The horizon may have moved past empty panes without a window.
          outcome = assembler.record_deferred(piece.pane, piece.deltas);
          break;
        }
        emit(*window);
      }
      if (outcome == RecordOutcome::late) late(piece);
      if (outcome == RecordOutcome::beyond_horizon) break;
    }
    pieces_.erase(pieces_.begin(), pieces_.begin() + static_cast<std::ptrdiff_t>(recorded));
  }

  // For checkpoints: the pieces still waiting, and loading them back.
  const std::vector<PanePiece>& pieces() const { return pieces_; }
  void assign(std::vector<PanePiece> pieces) { pieces_ = std::move(pieces); }

 private:
  std::vector<PanePiece> pieces_;
};

}  // namespace driftd
