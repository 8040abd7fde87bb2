#include "window/window_recorder.h"

#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "window_test_support.h"

using driftd::ClosedPanes;
using driftd::PaneId;
using driftd::RecordOutcome;
using driftd::WindowRecorder;
using driftd::testing::Counts;

namespace {

constexpr std::size_t kCounters = 3;
constexpr std::size_t kWriters = 2;
constexpr std::size_t kOpenPanes = 4;

Counts to_counts(std::span<const std::uint64_t> counts) { return {counts.begin(), counts.end()}; }

// Closes the panes below `first_open` and returns every closed pane's counts,
// the known-empty ones included, in pane order.
std::vector<Counts> close_before(WindowRecorder& recorder, PaneId first_open) {
  Counts out(recorder.open_panes() * recorder.counters());
  const PaneId first = recorder.first_open_pane();
  const ClosedPanes closed = recorder.close_panes_before(first_open, out);
  REQUIRE(closed.first == first);
  REQUIRE(closed.end == first_open);
  std::vector<Counts> panes;
  for (PaneId pane = closed.first; pane < closed.end && panes.size() < 100; ++pane) {
    const auto index = static_cast<std::size_t>(pane - closed.first);
    panes.push_back(index < static_cast<std::size_t>(closed.with_counts)
                        ? Counts(out.begin() + static_cast<std::ptrdiff_t>(index * kCounters),
                                 out.begin() + static_cast<std::ptrdiff_t>((index + 1) * kCounters))
                        : Counts(kCounters, 0));
  }
  return panes;
}

}  // namespace

TEST_CASE("counts recorded into open panes are handed out when they close") {
  WindowRecorder recorder(kCounters, kWriters, kOpenPanes, 10);
  CHECK(recorder.record(0, 11, Counts{1, 2, 3}) == RecordOutcome::recorded);
  CHECK(recorder.record(1, 11, Counts{10, 20, 30}) == RecordOutcome::recorded);
  CHECK(recorder.record(0, 10, Counts{5, 0, 0}) == RecordOutcome::recorded);
  CHECK(recorder.record(1, 12, Counts{0, 0, 7}) == RecordOutcome::recorded);

  CHECK(close_before(recorder, 12) == std::vector<Counts>{{5, 0, 0}, {11, 22, 33}});
  CHECK(recorder.first_open_pane() == 12);
  CHECK(close_before(recorder, 13) == std::vector<Counts>{{0, 0, 7}});
  CHECK(close_before(recorder, 13).empty());
  CHECK(to_counts(recorder.late_counts()) == Counts{0, 0, 0});
}

TEST_CASE("a piece for a closed pane is counted as late, never into the pane") {
  WindowRecorder recorder(kCounters, kWriters, kOpenPanes, 10);
  recorder.record(0, 10, Counts{1, 1, 1});
  close_before(recorder, 11);
  CHECK(recorder.record(0, 10, Counts{2, 0, 0}) == RecordOutcome::late);
  CHECK(recorder.record(1, -5, Counts{0, 3, 0}) == RecordOutcome::late);
  recorder.settle();
  CHECK(to_counts(recorder.late_counts()) == Counts{2, 3, 0});
  CHECK(close_before(recorder, 12) == std::vector<Counts>{{0, 0, 0}});
}

TEST_CASE("a piece beyond the open range is refused and recorded nowhere") {
  WindowRecorder recorder(kCounters, kWriters, kOpenPanes, 10);  // panes 10..13 open
  CHECK(recorder.record(0, 13, Counts{1, 0, 0}) == RecordOutcome::recorded);
  CHECK(recorder.record(0, 14, Counts{0, 9, 0}) == RecordOutcome::beyond_horizon);
  SECTION("closing panes opens as many new ones") {
    close_before(recorder, 12);  // panes 12..15 open
    CHECK(recorder.record(0, 15, Counts{0, 0, 4}) == RecordOutcome::recorded);
    CHECK(recorder.record(0, 16, Counts{0, 9, 0}) == RecordOutcome::beyond_horizon);
    CHECK(close_before(recorder, 16) ==
          std::vector<Counts>{{0, 0, 0}, {1, 0, 0}, {0, 0, 0}, {0, 0, 4}});
  }
  SECTION("nothing of it shows up anywhere") {
    CHECK(close_before(recorder, 20) ==
          std::vector<Counts>{{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {1, 0, 0}, {0, 0, 0}, {0, 0, 0},
                              {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}});
    CHECK(to_counts(recorder.late_counts()) == Counts{0, 0, 0});
  }
}

TEST_CASE("a slot serves the pane open_panes later without mixing their counts") {
  WindowRecorder recorder(kCounters, kWriters, kOpenPanes, 10);
  recorder.record(0, 10, Counts{1, 0, 0});
  close_before(recorder, 11);
  recorder.record(0, 14, Counts{0, 1, 0});  // slot of pane 10
  recorder.record(1, 13, Counts{0, 0, 1});
  CHECK(close_before(recorder, 15) ==
        std::vector<Counts>{{0, 0, 0}, {0, 0, 0}, {0, 0, 1}, {0, 1, 0}});
}

TEST_CASE("closing across a long gap hands out only the panes that can hold counts") {
  WindowRecorder recorder(kCounters, kWriters, kOpenPanes, -2);
  recorder.record(0, -2, Counts{1, 0, 0});
  recorder.record(1, 1, Counts{0, 1, 0});
  std::vector<std::uint64_t> out(kOpenPanes * kCounters);
  const ClosedPanes closed = recorder.close_panes_before(1'000'000'000'000, out);
  CHECK(closed.first == -2);
  CHECK(closed.end == 1'000'000'000'000);
  CHECK(closed.with_counts == 4);
  CHECK(out == Counts{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0});
  CHECK(recorder.record(0, 1'000'000'000'003, Counts{0, 0, 5}) == RecordOutcome::recorded);
  CHECK(recorder.record(0, 1'000'000'000'004, Counts{0, 0, 5}) ==
        RecordOutcome::beyond_horizon);
  CHECK(recorder.record(0, 999'999'999'999, Counts{0, 0, 6}) == RecordOutcome::late);
  CHECK(close_before(recorder, 1'000'000'000'004) ==
        std::vector<Counts>{{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 5}});
}

TEST_CASE("one batch records pieces into several panes with one view of the open range") {
  WindowRecorder recorder(kCounters, kWriters, kOpenPanes, 10);
  close_before(recorder, 11);
  {
    auto batch = recorder.begin_batch(1);
    CHECK(batch.record(10, Counts{1, 0, 0}) == RecordOutcome::late);
    CHECK(batch.record(11, Counts{0, 1, 0}) == RecordOutcome::recorded);
    CHECK(batch.record(14, Counts{0, 0, 1}) == RecordOutcome::recorded);
    CHECK(batch.record(15, Counts{1, 1, 1}) == RecordOutcome::beyond_horizon);
    CHECK(batch.record(11, Counts{0, 2, 0}) == RecordOutcome::recorded);
  }
  CHECK(close_before(recorder, 15) ==
        std::vector<Counts>{{0, 3, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 1}});
  CHECK(to_counts(recorder.late_counts()) == Counts{1, 0, 0});
}

TEST_CASE("settle gives a snapshot of the open panes without closing them") {
  WindowRecorder recorder(kCounters, kWriters, kOpenPanes, 0);
  recorder.record(0, 0, Counts{1, 0, 0});
  recorder.record(1, 2, Counts{0, 2, 0});
  recorder.settle();
  CHECK(recorder.first_open_pane() == 0);
  CHECK(to_counts(recorder.settled_counts(0)) == Counts{1, 0, 0});
  CHECK(to_counts(recorder.settled_counts(1)) == Counts{0, 0, 0});
  CHECK(to_counts(recorder.settled_counts(2)) == Counts{0, 2, 0});

  recorder.record(0, 0, Counts{1, 0, 0});
  CHECK(to_counts(recorder.settled_counts(0)) == Counts{1, 0, 0});  // until the next rotation
  recorder.settle();
  CHECK(to_counts(recorder.settled_counts(0)) == Counts{2, 0, 0});
  CHECK(close_before(recorder, 1) == std::vector<Counts>{{2, 0, 0}});
}

TEST_CASE("restored counts join what writers record into the same pane") {
  WindowRecorder recorder(kCounters, kWriters, kOpenPanes, 7);
  recorder.restore_counts(8, Counts{100, 0, 3});
  recorder.record(1, 8, Counts{1, 1, 1});
  CHECK(close_before(recorder, 9) == std::vector<Counts>{{0, 0, 0}, {101, 1, 4}});
}
