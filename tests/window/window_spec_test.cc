#include "window/window_spec.h"

#include <catch2/catch.hpp>

#include "common/error.h"
#include "window/window_limits.h"

using namespace std::chrono_literals;
using driftd::InputError;
using driftd::TimeDomain;
using driftd::WindowKind;
using driftd::WindowSpec;

TEST_CASE("a tumbling window is one pane of its size") {
  const auto spec = WindowSpec::tumbling(60s, TimeDomain::event_time, 5s);
  CHECK(spec.kind() == WindowKind::tumbling);
  CHECK(spec.is_time_window());
  CHECK(spec.domain() == TimeDomain::event_time);
  CHECK(spec.size() == 60s);
  CHECK(spec.slide() == 60s);
  CHECK(spec.allowed_lateness() == 5s);
  CHECK(spec.panes_per_window() == 1);
}

TEST_CASE("a sliding window is size/slide panes of length slide") {
  const auto spec = WindowSpec::sliding(10min, 2min, TimeDomain::processing_time);
  CHECK(spec.kind() == WindowKind::sliding);
  CHECK(spec.size() == 10min);
  CHECK(spec.slide() == 2min);
  CHECK(spec.allowed_lateness() == 0ms);
  CHECK(spec.panes_per_window() == 5);
}

TEST_CASE("a count window holds N events in one pane") {
  const auto spec = WindowSpec::count(1000);
  CHECK(spec.kind() == WindowKind::count);
  CHECK_FALSE(spec.is_time_window());
  CHECK(spec.events_per_window() == 1000);
  CHECK(spec.panes_per_window() == 1);
}

TEST_CASE("invalid window specs are refused with the reason") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(WindowSpec::sliding(10s, 3s, TimeDomain::event_time),
                    Contains("10000 ms is not a multiple of the slide 3000 ms"));
  CHECK_THROWS_WITH(WindowSpec::tumbling(0ms, TimeDomain::event_time),
                    Contains("window size must be positive (got 0 ms)"));
  CHECK_THROWS_WITH(WindowSpec::sliding(10s, -1s, TimeDomain::event_time),
                    Contains("window slide must be positive"));
  CHECK_THROWS_WITH(WindowSpec::tumbling(1s, TimeDomain::event_time, -1ms),
                    Contains("allowed lateness must not be negative"));
  CHECK_THROWS_WITH(WindowSpec::tumbling(1s, TimeDomain::processing_time, 1ms),
                    Contains("applies to event-time windows only"));
  CHECK_THROWS_WITH(WindowSpec::tumbling(std::chrono::milliseconds{INT64_MAX},
                                         TimeDomain::event_time),
                    Contains("exceeds the limit"));
  CHECK_THROWS_WITH(WindowSpec::count(0), Contains("at least one event"));
  CHECK_THROWS_AS(WindowSpec::count(-5), InputError);
}

TEST_CASE("window specs stop at the limits of window_limits.h") {
  using Catch::Matchers::Contains;
  using driftd::kMaxEventsPerWindow;
  using driftd::kMaxPanesPerWindow;
  CHECK(WindowSpec::sliding(kMaxPanesPerWindow * 1ms, 1ms, TimeDomain::event_time)
            .panes_per_window() == kMaxPanesPerWindow);
  CHECK_THROWS_WITH(WindowSpec::sliding((kMaxPanesPerWindow + 1) * 1ms, 1ms, TimeDomain::event_time),
                    Contains("4097 ms spans more than 4096 slides of 1 ms"));
  CHECK(WindowSpec::count(kMaxEventsPerWindow).events_per_window() == kMaxEventsPerWindow);
  CHECK_THROWS_WITH(WindowSpec::count(kMaxEventsPerWindow + 1), Contains("exceeds the limit"));
}
