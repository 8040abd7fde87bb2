// The instance side of cluster mode: what take() hands out, pane by pane,
// and which pieces are refused.
#include "window/pane_delta_recorder.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "window_test_support.h"

namespace driftd {
namespace {

using std::chrono::milliseconds;
using testing::add_into;
using testing::Counts;

constexpr std::size_t kCounters = 3;

std::map<PaneId, Counts> taken_by_pane(std::span<const PaneCounts> taken) {
  std::map<PaneId, Counts> out;
  PaneId previous = kMinTimestampMs;
  for (const PaneCounts& pane : taken) {
    CHECK(pane.pane > previous);  // ascending, distinct
    previous = pane.pane;
    add_into(out[pane.pane], pane.counts);
  }
  return out;
}

TEST_CASE("a take hands out what was recorded since the previous take, pane by pane") {
  // Panes of 1 s, 2 s of lateness: 3 + 2 spare open panes.
  PaneDeltaRecorder deltas(WindowSpec::tumbling(milliseconds(1000), TimeDomain::event_time,
                                                milliseconds(2000)),
                           kCounters, 1);
  CHECK(deltas.take().empty());  // nothing recorded: nothing handed out

  deltas.watermark().observe(10'500);  // opens panes 8..12 at the next take
  // Before the first take the open range is at the beginning of time.
  CHECK(deltas.recorder().record(0, 10, Counts{1, 1, 0}) == RecordOutcome::beyond_horizon);
  CHECK(deltas.take().empty());

  auto& recorder = deltas.recorder();
  CHECK(recorder.record(0, 10, Counts{2, 1, 1}) == RecordOutcome::recorded);
  CHECK(recorder.record(0, 8, Counts{1, 0, 1}) == RecordOutcome::recorded);
  CHECK(recorder.record(0, 10, Counts{1, 1, 0}) == RecordOutcome::recorded);
  CHECK(recorder.record(0, 13, Counts{1, 1, 0}) == RecordOutcome::beyond_horizon);
  CHECK(taken_by_pane(deltas.take()) ==
        std::map<PaneId, Counts>{{8, {1, 0, 1}}, {10, {3, 2, 1}}});

  // The next take holds only what came after: a delta, not the pane's total.
  CHECK(recorder.record(0, 10, Counts{1, 0, 0}) == RecordOutcome::recorded);
  CHECK(taken_by_pane(deltas.take()) == std::map<PaneId, Counts>{{10, {1, 0, 0}}});

  // The watermark moves on: panes handed out below the new range refuse
  // pieces (the owner decides whether they are late), nothing counts late.
  deltas.watermark().observe(20'000);  // 18 = pane of 20 s - 2 s
  CHECK(recorder.record(0, 12, Counts{5, 0, 0}) == RecordOutcome::recorded);
  CHECK(taken_by_pane(deltas.take()) == std::map<PaneId, Counts>{{12, {5, 0, 0}}});
  CHECK(recorder.record(0, 12, Counts{1, 0, 0}) == RecordOutcome::late);
  CHECK(recorder.record(0, 17, Counts{1, 0, 0}) == RecordOutcome::late);
  CHECK(recorder.record(0, 18, Counts{1, 0, 0}) == RecordOutcome::recorded);
  CHECK(recorder.record(0, 23, Counts{1, 0, 0}) == RecordOutcome::beyond_horizon);
  CHECK(taken_by_pane(deltas.take()) == std::map<PaneId, Counts>{{18, {1, 0, 0}}});
  CHECK(recorder.late_counts()[0] == 0);
}

TEST_CASE("a take closing panes far below the new range hands out the ones with counts") {
  PaneDeltaRecorder deltas(WindowSpec::sliding(milliseconds(4000), milliseconds(1000),
                                               TimeDomain::event_time),
                           kCounters, 2);
  deltas.watermark().observe(1'000);
  CHECK(deltas.take().empty());
  CHECK(deltas.recorder().record(1, 1, Counts{1, 2, 3}) == RecordOutcome::recorded);
  CHECK(deltas.recorder().record(0, 2, Counts{4, 0, 0}) == RecordOutcome::recorded);
  deltas.watermark().observe(1'000'000);
  CHECK(taken_by_pane(deltas.take()) ==
        std::map<PaneId, Counts>{{1, {1, 2, 3}}, {2, {4, 0, 0}}});
  CHECK(deltas.take().empty());
}

TEST_CASE("random pieces over many takes: every recorded count handed out once, in its pane") {
  std::mt19937_64 random(7);
  PaneDeltaRecorder deltas(WindowSpec::tumbling(milliseconds(100), TimeDomain::event_time,
                                                milliseconds(250)),
                           kCounters, 1);
  std::map<PaneId, Counts> recorded;
  std::map<PaneId, Counts> handed_out;
  std::int64_t now = 0;
  std::uint64_t refused = 0;
  for (int cut = 0; cut < 300; ++cut) {
    for (int piece = 0; piece < 20; ++piece) {
      const std::int64_t time = now - 400 + static_cast<std::int64_t>(random() % 900);
      deltas.watermark().observe(std::max<std::int64_t>(time, 0));
      const Counts counts{1, random() % 5, ~std::uint64_t{0} - random() % 3};  // wrapping words too
      const PaneId pane = deltas.clock().pane_of(time);
      if (deltas.recorder().record(0, pane, counts) == RecordOutcome::recorded) {
        add_into(recorded[pane], counts);
      } else {
        ++refused;
      }
    }
    for (const PaneCounts& pane : deltas.take()) add_into(handed_out[pane.pane], pane.counts);
    now += 37;
  }
  CHECK(handed_out == recorded);
  CHECK(refused > 0);
  CHECK(recorded.size() > 50);
}

TEST_CASE("count windows have no pane deltas") {
  CHECK_THROWS_AS(PaneDeltaRecorder(WindowSpec::count(100), kCounters, 1), InputError);
  CHECK_THROWS_AS(
      PaneDeltaRecorder(WindowSpec::tumbling(milliseconds(100), TimeDomain::event_time), 0, 1),
      InputError);
}

}  // namespace
}  // namespace driftd
