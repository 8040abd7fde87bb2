#include "window/pane_clock.h"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using driftd::Interval;
using driftd::PaneClock;
using driftd::TimeDomain;
using driftd::WindowSpec;

TEST_CASE("timestamps map to panes by floor division, also before the epoch") {
  const PaneClock clock(WindowSpec::tumbling(1000ms, TimeDomain::event_time));
  CHECK(clock.pane_of(0) == 0);
  CHECK(clock.pane_of(999) == 0);
  CHECK(clock.pane_of(1000) == 1);  // a pane's end belongs to the next pane
  CHECK(clock.pane_of(-1) == -1);
  CHECK(clock.pane_of(-1000) == -1);
  CHECK(clock.pane_of(-1001) == -2);
  CHECK(clock.pane_bounds(-1) == Interval{-1000, 0});
  CHECK(clock.pane_bounds(3) == Interval{3000, 4000});
}

TEST_CASE("every timestamp lies in the bounds of its pane") {
  const PaneClock clock(WindowSpec::sliding(21ms, 7ms, TimeDomain::event_time));
  for (std::int64_t t = -50; t <= 50; ++t) {
    const Interval pane = clock.pane_bounds(clock.pane_of(t));
    CHECK(pane.start <= t);
    CHECK(t < pane.end);
    CHECK(pane.end - pane.start == 7);
  }
}

TEST_CASE("a pane completes the window that ends with it") {
  SECTION("tumbling: the window is the pane") {
    const PaneClock clock(WindowSpec::tumbling(60s, TimeDomain::event_time));
    CHECK(clock.window_bounds(2) == Interval{120'000, 180'000});
    CHECK(clock.window_bounds(-1) == Interval{-60'000, 0});
  }
  SECTION("sliding: size/slide panes ending with it") {
    const PaneClock clock(WindowSpec::sliding(30s, 10s, TimeDomain::event_time));
    CHECK(clock.panes_per_window() == 3);
    CHECK(clock.window_bounds(5) == Interval{30'000, 60'000});
    CHECK(clock.window_bounds(0) == Interval{-20'000, 10'000});
    // Pane 5 [50 s, 60 s) is in the windows ending with panes 5, 6 and 7.
    for (driftd::PaneId last = 5; last <= 7; ++last) {
      const Interval window = clock.window_bounds(last);
      CHECK(window.start <= 50'000);
      CHECK(60'000 <= window.end);
    }
    CHECK(clock.window_bounds(8).start == 60'000);
  }
}

TEST_CASE("the extreme timestamps have panes and bounds without overflow") {
  const PaneClock clock(WindowSpec::sliding(3000ms, 1000ms, TimeDomain::event_time));
  const auto first = clock.pane_of(driftd::kMinTimestampMs);
  const auto last = clock.pane_of(driftd::kMaxTimestampMs);
  CHECK(clock.window_bounds(first).start < driftd::kMinTimestampMs);
  CHECK(clock.pane_bounds(first).start <= driftd::kMinTimestampMs);
  CHECK(clock.window_bounds(last).end > driftd::kMaxTimestampMs);
}
