#include "window/watermark.h"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using driftd::PaneClock;
using driftd::TimeDomain;
using driftd::Watermark;
using driftd::WindowSpec;

TEST_CASE("before any event the watermark closes nothing") {
  const Watermark watermark(5s);
  CHECK(watermark.current() == driftd::kMinTimestampMs);
}

TEST_CASE("the watermark is the max event time minus the allowed lateness, and only grows") {
  Watermark watermark(5s);
  watermark.observe(100'000);
  CHECK(watermark.current() == 95'000);
  watermark.observe(90'000);  // an older batch does not move it back
  CHECK(watermark.current() == 95'000);
  watermark.observe(100'001);
  CHECK(watermark.current() == 95'001);
}

TEST_CASE("panes close once the watermark reaches their end") {
  const PaneClock clock(WindowSpec::tumbling(10s, TimeDomain::event_time, 5s));
  Watermark watermark(5s);
  watermark.observe(24'999);  // watermark 19'999: pane 1 [10 s, 20 s) still open
  CHECK(watermark.first_unclosable_pane(clock) == 1);
  watermark.observe(25'000);  // watermark 20'000 = end of pane 1
  CHECK(watermark.first_unclosable_pane(clock) == 2);
}

TEST_CASE("a negative watermark closes the panes before it") {
  const PaneClock clock(WindowSpec::tumbling(10s, TimeDomain::event_time));
  Watermark watermark(0ms);
  watermark.observe(-10'000);
  CHECK(watermark.first_unclosable_pane(clock) == -1);
  watermark.observe(-9'999);
  CHECK(watermark.first_unclosable_pane(clock) == -1);
}
