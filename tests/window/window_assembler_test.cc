#include "window/window_assembler.h"

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "window_test_support.h"

#include "common/error.h"

using namespace std::chrono_literals;
using driftd::Interval;
using driftd::PaneId;
using driftd::RecordOutcome;
using driftd::TimeDomain;
using driftd::WindowAssembler;
using driftd::WindowCheckpoint;
using driftd::WindowSpec;
using driftd::testing::Counts;

namespace {

// Counter 0 is the event count (kEventCounter); counter 1 a sum of values.
struct Window {
  Interval bounds;
  Counts counts;
  friend bool operator==(const Window&, const Window&) = default;
};

std::vector<Window> due_windows(WindowAssembler& assembler) {
  std::vector<Window> windows;
  while (auto window = assembler.next_window()) {
    windows.push_back({window->bounds, Counts(window->counts.begin(), window->counts.end())});
  }
  return windows;
}

// An event-time writer: observes the event, then records it into its pane.
RecordOutcome record_event(WindowAssembler& assembler, std::int64_t time_ms, std::uint64_t value) {
  assembler.watermark().observe(time_ms);
  return assembler.recorder().record(0, assembler.clock().pane_of(time_ms), Counts{1, value});
}

// A worker and the manager together: a piece beyond the horizon goes to the
// manager, which polls (collecting the windows that close) and records it.
void ingest(WindowAssembler& assembler, std::int64_t time_ms, std::uint64_t value,
            std::vector<Window>& windows) {
  assembler.watermark().observe(time_ms);
  const PaneId pane = assembler.clock().pane_of(time_ms);
  if (assembler.recorder().record(0, pane, Counts{1, value}) == RecordOutcome::beyond_horizon) {
    for (Window& window : due_windows(assembler)) {
      windows.push_back(std::move(window));
    }
    REQUIRE(assembler.record_deferred(pane, Counts{1, value}) == RecordOutcome::recorded);
  }
}

Counts late(const WindowAssembler& assembler) {
  return {assembler.late_counts().begin(), assembler.late_counts().end()};
}

}  // namespace

TEST_CASE("the first event-time batch waits for the manager's first poll, then lands") {
  WindowAssembler assembler(WindowSpec::tumbling(10s, TimeDomain::event_time), 2, 1);
  CHECK(record_event(assembler, 1'700'000'000'000, 5) == RecordOutcome::beyond_horizon);
  CHECK(due_windows(assembler).empty());
  CHECK(assembler.record_deferred(assembler.clock().pane_of(1'700'000'000'000), Counts{1, 5}) ==
        RecordOutcome::recorded);
  assembler.watermark().observe(1'700'000'010'000);
  CHECK(due_windows(assembler) ==
        std::vector<Window>{{{1'700'000'000'000, 1'700'000'010'000}, {1, 5}}});
}

TEST_CASE("event time: events within the allowed lateness land, later ones are late") {
  WindowAssembler assembler(WindowSpec::tumbling(10s, TimeDomain::event_time, 5s), 2, 1);
  assembler.watermark().observe(0);
  REQUIRE(due_windows(assembler).empty());  // opens the panes around t = 0

  CHECK(record_event(assembler, 12'000, 1) == RecordOutcome::recorded);
  CHECK(record_event(assembler, 7'000, 2) == RecordOutcome::recorded);  // watermark 7'000
  CHECK(due_windows(assembler).empty());

  CHECK(record_event(assembler, 14'999, 4) == RecordOutcome::recorded);  // watermark 9'999
  CHECK(record_event(assembler, 9'999, 8) == RecordOutcome::recorded);   // exactly at it
  CHECK(due_windows(assembler).empty());

  CHECK(record_event(assembler, 15'000, 16) == RecordOutcome::recorded);  // watermark 10'000
  CHECK(due_windows(assembler) == std::vector<Window>{{{0, 10'000}, {2, 2 + 8}}});
  CHECK(record_event(assembler, 9'999, 32) == RecordOutcome::late);
  CHECK(record_event(assembler, 10'000, 64) == RecordOutcome::recorded);

  assembler.watermark().observe(30'000);
  CHECK(due_windows(assembler) ==
        std::vector<Window>{{{10'000, 20'000}, {4, 1 + 4 + 16 + 64}}});
  CHECK(late(assembler) == Counts{1, 32});
}

TEST_CASE("event time: empty windows are skipped and a jump across a gap is cheap") {
  WindowAssembler assembler(WindowSpec::tumbling(1ms, TimeDomain::event_time), 2, 1);
  assembler.watermark().observe(100);
  REQUIRE(due_windows(assembler).empty());
  CHECK(record_event(assembler, 100, 1) == RecordOutcome::recorded);
  CHECK(record_event(assembler, 102, 2) == RecordOutcome::recorded);

  // An event 31 years later: 10^12 panes of 1 ms, closed by one rotation.
  const std::int64_t far = 1'000'000'000'100;
  CHECK(record_event(assembler, far, 4) == RecordOutcome::beyond_horizon);
  CHECK(due_windows(assembler) ==
        std::vector<Window>{{{100, 101}, {1, 1}}, {{102, 103}, {1, 2}}});
  CHECK(assembler.record_deferred(assembler.clock().pane_of(far), Counts{1, 4}) ==
        RecordOutcome::recorded);
  assembler.watermark().observe(far + 1);
  CHECK(due_windows(assembler) == std::vector<Window>{{{far, far + 1}, {1, 4}}});
}

TEST_CASE("event time: a deferred piece is recordable after one poll, however large the lateness") {
  const auto lateness = GENERATE(0ms, 1ms, 999ms, 1000ms, 1001ms, 7500ms);
  WindowAssembler assembler(WindowSpec::sliding(4s, 1s, TimeDomain::event_time, lateness), 2, 1,
                            /*spare_open_panes=*/0);
  assembler.watermark().observe(0);
  REQUIRE(due_windows(assembler).empty());
  for (std::int64_t t = 0; t < 60'000; t += 377) {
    assembler.watermark().observe(t);
    const PaneId pane = assembler.clock().pane_of(t);
    if (assembler.recorder().record(0, pane, Counts{1, 1}) == RecordOutcome::beyond_horizon) {
      due_windows(assembler);
      CHECK(assembler.record_deferred(pane, Counts{1, 1}) == RecordOutcome::recorded);
    }
  }
}

TEST_CASE("sliding windows are the sums of their panes, each pane in every window it belongs to") {
  WindowAssembler assembler(WindowSpec::sliding(30s, 10s, TimeDomain::event_time), 2, 1,
                            /*spare_open_panes=*/4);
  assembler.watermark().observe(0);
  REQUIRE(due_windows(assembler).empty());
  // Pane p (p = 0..3) holds p + 1 events with values 10^p.
  const std::uint64_t value[] = {1, 10, 100, 1000};
  for (PaneId pane = 0; pane < 4; ++pane) {
    for (PaneId event = 0; event <= pane; ++event) {
      CHECK(record_event(assembler, pane * 10'000 + event, value[pane]) == RecordOutcome::recorded);
    }
  }
  assembler.watermark().observe(1'000'000);
  CHECK(due_windows(assembler) ==
        std::vector<Window>{{{-20'000, 10'000}, {1, 1}},
                            {{-10'000, 20'000}, {3, 1 + 20}},
                            {{0, 30'000}, {6, 1 + 20 + 300}},
                            {{10'000, 40'000}, {9, 20 + 300 + 4000}},
                            {{20'000, 50'000}, {7, 300 + 4000}},
                            {{30'000, 60'000}, {4, 4000}}});
}

TEST_CASE("processing time: the manager's clock closes the windows") {
  WindowAssembler assembler(WindowSpec::tumbling(1s, TimeDomain::processing_time), 2, 1);
  assembler.watermark().observe(1'500);
  REQUIRE(due_windows(assembler).empty());
  CHECK(assembler.recorder().record(0, assembler.clock().pane_of(1'500), Counts{3, 9}) ==
        RecordOutcome::recorded);
  assembler.watermark().observe(1'999);
  CHECK(due_windows(assembler).empty());
  assembler.watermark().observe(2'000);
  CHECK(due_windows(assembler) == std::vector<Window>{{{1'000, 2'000}, {3, 9}}});
}

TEST_CASE("count windows close when they hold N events") {
  WindowAssembler assembler(WindowSpec::count(100), 2, 1);
  auto& sequencer = assembler.sequencer();
  const auto record_batch = [&](std::int64_t events) {
    const auto batch = sequencer.reserve(events);
    auto recording = assembler.recorder().begin_batch(0);
    for (std::int64_t offset = 0; offset < batch.count;) {
      const auto piece = sequencer.piece_at(batch, offset);
      const auto length = static_cast<std::uint64_t>(piece.length);
      CHECK(recording.record(piece.pane, Counts{length, 2 * length}) == RecordOutcome::recorded);
      offset += piece.length;
    }
  };
  record_batch(250);
  CHECK(due_windows(assembler) ==
        std::vector<Window>{{{0, 100}, {100, 200}}, {{100, 200}, {100, 200}}});
  record_batch(49);
  CHECK(due_windows(assembler).empty());
  record_batch(1);
  CHECK(due_windows(assembler) == std::vector<Window>{{{200, 300}, {100, 200}}});
}

TEST_CASE("count windows: a piece beyond the horizon lands once the windows before it close") {
  WindowAssembler assembler(WindowSpec::count(100), 2, 1, /*spare_open_panes=*/0);
  const auto batch = assembler.sequencer().reserve(250);
  std::vector<driftd::CountPiece> deferred;
  {
    auto recording = assembler.recorder().begin_batch(0);
    for (std::int64_t offset = 0; offset < batch.count;) {
      const auto piece = assembler.sequencer().piece_at(batch, offset);
      const auto length = static_cast<std::uint64_t>(piece.length);
      if (recording.record(piece.pane, Counts{length, length}) == RecordOutcome::beyond_horizon) {
        deferred.push_back(piece);
      }
      offset += piece.length;
    }
  }
  REQUIRE(deferred.size() == 2);  // panes 1 and 2: one pane is open
  CHECK(due_windows(assembler) == std::vector<Window>{{{0, 100}, {100, 100}}});
  CHECK(assembler.record_deferred(1, Counts{100, 100}) == RecordOutcome::recorded);
  CHECK(assembler.record_deferred(2, Counts{50, 50}) == RecordOutcome::beyond_horizon);
  CHECK(due_windows(assembler) == std::vector<Window>{{{100, 200}, {100, 100}}});
  CHECK(assembler.record_deferred(2, Counts{50, 50}) == RecordOutcome::recorded);
  CHECK(due_windows(assembler).empty());
}

TEST_CASE("a restored checkpoint resumes the open windows where they were") {
  const auto spec = WindowSpec::sliding(30s, 10s, TimeDomain::event_time, 10s);
  const auto feed = [](WindowAssembler& assembler, std::int64_t from, std::int64_t to,
                       std::vector<Window>& windows) {
    for (std::int64_t t = from; t < to; t += 1'300) {
      ingest(assembler, t, static_cast<std::uint64_t>(t), windows);
    }
  };
  WindowAssembler original(spec, 2, 1);
  std::vector<Window> before;
  feed(original, 0, 45'000, before);
  for (Window& window : due_windows(original)) {
    before.push_back(std::move(window));
  }
  CHECK(before.size() == 3);  // watermark 34'200: windows ending with panes 0..2

  WindowCheckpoint checkpoint;
  REQUIRE(original.checkpoint(checkpoint));
  CHECK(checkpoint.first_open_pane == 3);
  CHECK(checkpoint.first_pane == 1);

  WindowAssembler restored(spec, 2, 1);
  restored.restore(checkpoint);
  std::vector<Window> after_original;
  std::vector<Window> after_restored;
  feed(original, 45'000, 90'000, after_original);
  feed(restored, 45'000, 90'000, after_restored);
  original.watermark().observe(1'000'000);
  restored.watermark().observe(1'000'000);
  for (Window& window : due_windows(original)) {
    after_original.push_back(std::move(window));
  }
  for (Window& window : due_windows(restored)) {
    after_restored.push_back(std::move(window));
  }
  CHECK(after_original.size() == 8);  // windows ending with panes 3..10
  CHECK(after_restored == after_original);
}

// Found by tests/cluster/owner_failover_test.cc (a stream's owner may
// checkpoint before its watermark ever rose): the checkpoint of a sliding
// window named closed panes before the first pane a fresh assembler opens,
// which restore() refuses as outside the spec's range.
TEST_CASE("a checkpoint taken before panes_per_window - 1 panes closed restores") {
  const auto spec = WindowSpec::sliding(30s, 10s, TimeDomain::event_time);
  const PaneId first = driftd::initial_first_open_pane(spec);
  const std::int64_t start = driftd::kMinTimestampMs;
  const auto resumes_alike = [&](WindowAssembler& original, PaneId first_open) {
    WindowCheckpoint checkpoint;
    REQUIRE(original.checkpoint(checkpoint));
    CHECK(checkpoint.first_open_pane == first_open);
    CHECK(checkpoint.first_pane == first);  // none before the first pane
    WindowAssembler restored(spec, 2, 1);
    restored.restore(checkpoint);
    std::vector<Window> after_original;
    std::vector<Window> after_restored;
    ingest(original, start + 15'000, 7, after_original);
    ingest(restored, start + 15'000, 7, after_restored);
    original.watermark().observe(start + 100'000);
    restored.watermark().observe(start + 100'000);
    for (Window& window : due_windows(original)) after_original.push_back(std::move(window));
    for (Window& window : due_windows(restored)) after_restored.push_back(std::move(window));
    CHECK_FALSE(after_original.empty());
    CHECK(after_restored == after_original);
  };
  SECTION("no pane closed: the watermark has not risen") {
    WindowAssembler original(spec, 2, 1);
    CHECK(due_windows(original).empty());
    resumes_alike(original, first);
  }
  SECTION("one pane closed") {
    WindowAssembler original(spec, 2, 1);
    std::vector<Window> windows;
    ingest(original, start, 3, windows);
    original.watermark().observe(start + 10'000);
    for (Window& window : due_windows(original)) windows.push_back(std::move(window));
    CHECK(windows.size() == 1);  // the window ending with the first pane
    resumes_alike(original, first + 1);  // and the next, which sums it too
  }
}

TEST_CASE("a count-window checkpoint with reserved but unrecorded events is refused") {
  WindowAssembler assembler(WindowSpec::count(100), 2, 1);
  const auto in_flight = assembler.sequencer().reserve(30);
  const auto recorded = assembler.sequencer().reserve(20);
  assembler.recorder().record(0, assembler.sequencer().pane_of(recorded.first), Counts{20, 0});
  WindowCheckpoint checkpoint;
  CHECK_FALSE(assembler.checkpoint(checkpoint));
  assembler.recorder().record(0, assembler.sequencer().pane_of(in_flight.first), Counts{30, 0});
  REQUIRE(assembler.checkpoint(checkpoint));
  CHECK(checkpoint.next_sequence == 50);

  WindowAssembler restored(WindowSpec::count(100), 2, 1);
  restored.restore(checkpoint);
  const auto rest = restored.sequencer().reserve(50);
  CHECK(rest.first == 50);
  restored.recorder().record(0, restored.sequencer().pane_of(rest.first), Counts{50, 0});
  CHECK(due_windows(restored) == std::vector<Window>{{{0, 100}, {100, 0}}});
}

TEST_CASE("checkpoints that do not fit are refused") {
  using Catch::Matchers::Contains;
  WindowAssembler assembler(WindowSpec::sliding(30s, 10s, TimeDomain::event_time), 2, 1);
  WindowCheckpoint checkpoint{/*first_pane=*/8, /*first_open_pane=*/10, 0, Counts(7, 0)};
  CHECK_THROWS_WITH(assembler.restore(checkpoint), Contains("not a whole number of blocks of 2"));
  checkpoint.counts.resize(2 * 2);
  checkpoint.first_pane = 7;  // three closed panes: a window of three needs two
  CHECK_THROWS_WITH(assembler.restore(checkpoint), Contains("does not fit"));
  checkpoint.first_pane = 8;
  checkpoint.counts.resize(2 * 2 + 2 * 100);
  CHECK_THROWS_WITH(assembler.restore(checkpoint), Contains("does not fit"));

  WindowAssembler counting(WindowSpec::count(10), 2, 1);
  CHECK_THROWS_WITH(counting.restore({3, 3, 29, Counts(2, 0)}), Contains("closed count window"));
}

// Found by tests/fuzz/checkpoint.cc: panes this far apart overflowed the
// subtraction of the fit check (undefined behaviour, caught by UBSan).
TEST_CASE("checkpoints naming panes outside the spec's range are refused") {
  using Catch::Matchers::Contains;
  constexpr PaneId kMax = std::numeric_limits<PaneId>::max();
  constexpr PaneId kMin = std::numeric_limits<PaneId>::min();
  WindowAssembler timed(WindowSpec::sliding(30s, 10s, TimeDomain::event_time), 2, 1);
  CHECK_THROWS_WITH(timed.restore({263251296256, -9223372034858287104, 0, Counts(2, 0)}),
                    Contains("outside the range"));
  CHECK_THROWS_WITH(timed.restore({kMax - 1, kMax, 0, Counts(2, 0)}), Contains("outside the range"));
  CHECK_THROWS_WITH(timed.restore({kMin, kMin + 1, 0, Counts(2, 0)}), Contains("outside the range"));
  CHECK(timed.valid_pane(timed.clock().pane_of(driftd::kMaxTimestampMs)));
  CHECK(timed.valid_pane(timed.clock().pane_of(driftd::kMinTimestampMs)));

  WindowAssembler counting(WindowSpec::count(10), 2, 1);
  CHECK_THROWS_WITH(counting.restore({kMax, kMax, kMax, Counts(2, 0)}), Contains("outside the range"));
  CHECK_THROWS_WITH(counting.restore({-1, 0, 0, Counts(2, 0)}), Contains("outside the range"));
  CHECK(counting.valid_pane(kMax / 10 - 1));
  CHECK_FALSE(counting.valid_pane(kMax / 10));
}

TEST_CASE("assemblers that cannot work are refused") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(
      WindowAssembler(WindowSpec::tumbling(1ms, TimeDomain::event_time, 10s), 2, 1),
      Contains("needs more than 4096 open panes"));
  CHECK_THROWS_WITH(WindowAssembler(WindowSpec::count(5), 0, 1), Contains("one counter"));
  CHECK_THROWS_WITH(WindowAssembler(WindowSpec::count(5), 1, 0), Contains("one writer"));
}

TEST_CASE("max_allowed_lateness_ms is the largest lateness whose open panes the assembler takes") {
  const auto pane = GENERATE(1ms, 7ms, 1000ms, 60'000ms);
  const std::int64_t max = driftd::max_allowed_lateness_ms(pane.count());
  CHECK(max == (driftd::kMaxOpenPanes - 1 - driftd::kDefaultSpareOpenPanes) * pane.count());
  WindowAssembler at_max(WindowSpec::tumbling(pane, TimeDomain::event_time,
                                              std::chrono::milliseconds{max}),
                         2, 1);
  CHECK_THROWS_AS(WindowAssembler(WindowSpec::tumbling(pane, TimeDomain::event_time,
                                                       std::chrono::milliseconds{max + 1}),
                                  2, 1),
                  driftd::InputError);
}

TEST_CASE("max_allowed_lateness_ms stays within the timestamp range for long panes") {
  CHECK(driftd::max_allowed_lateness_ms(driftd::kMaxTimestampMs) == driftd::kMaxTimestampMs);
  CHECK(driftd::max_allowed_lateness_ms(driftd::kMaxTimestampMs / 1000) == driftd::kMaxTimestampMs);
  WindowAssembler longest(WindowSpec::tumbling(std::chrono::milliseconds{driftd::kMaxTimestampMs},
                                               TimeDomain::event_time,
                                               std::chrono::milliseconds{driftd::kMaxTimestampMs}),
                          2, 1);
}
