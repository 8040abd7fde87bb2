// Pieces waiting for an assembler's horizon: recorded in pane order, each
// once closing the windows before it admits it; never dropped.
#include "window/waiting_pieces.h"

#include <chrono>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

namespace driftd {
namespace {

using std::chrono::milliseconds;

TEST_CASE("waiting pieces are recorded in pane order as the watermark admits them") {
  // Panes of 1 s, no lateness: 1 + 2 spare open panes.
  WindowAssembler assembler(WindowSpec::tumbling(milliseconds(1000), TimeDomain::event_time), 2, 1);
  WaitingPieces waiting;
  waiting.add(PanePiece{7, {1, 70}});
  waiting.add(std::vector<PanePiece>{{5, {1, 50}}, {9, {2, 90}}, {5, {1, 51}}});
  std::vector<std::pair<Interval, std::vector<std::uint64_t>>> windows;
  std::uint64_t late = 0;
  const auto emit = [&](const ClosedWindow& window) {
    windows.push_back({window.bounds, {window.counts.begin(), window.counts.end()}});
  };
  const auto count_late = [&](const PanePiece& piece) { late += piece.deltas[0]; };

  // Watermark at 6 s: the pieces of panes 5 and 7 fit in the open range;
  // pane 9's closes pane 5 (its window is emitted) and still waits.
  assembler.watermark().observe(6'000);
  waiting.record_into(assembler, emit, count_late);
  REQUIRE(windows.size() == 1);
  CHECK(windows[0].first == Interval{5'000, 6'000});
  CHECK(windows[0].second == std::vector<std::uint64_t>{2, 101});
  REQUIRE(waiting.pieces().size() == 1);
  CHECK(waiting.pieces()[0].pane == 9);

  // A piece for a closed pane is late; 9 is admitted once the watermark moves.
  waiting.add(PanePiece{4, {3, 0}});
  assembler.watermark().observe(9'000);
  waiting.record_into(assembler, emit, count_late);
  CHECK(late == 3);
  CHECK(waiting.pieces().empty());
  while (const auto window = assembler.next_window()) emit(*window);
  REQUIRE(windows.size() == 2);
  CHECK(windows[1].first == Interval{7'000, 8'000});
  CHECK(windows[1].second == std::vector<std::uint64_t>{1, 70});
  assembler.watermark().observe(10'000);
  while (const auto window = assembler.next_window()) emit(*window);
  REQUIRE(windows.size() == 3);
  CHECK(windows[2].second == std::vector<std::uint64_t>{2, 90});
}

}  // namespace
}  // namespace driftd
