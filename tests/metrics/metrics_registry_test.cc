// The metrics registry and writer: the text format Prometheus reads (HELP,
// TYPE, a family's samples together whatever order collectors wrote them,
// escaped label values, shortest round-trip numbers, histograms with
// cumulative buckets), and the errors that catch a collector's bug.
#include "metrics/metrics_registry.h"

#include <catch2/catch.hpp>

#include <array>
#include <limits>
#include <stdexcept>
#include <string>

namespace driftd::metrics {
namespace {

constexpr MetricFamily kEvents{"test_events_total", MetricType::counter, "Events seen.",
                               {"stream"}};
constexpr MetricFamily kLag{"test_lag", MetricType::gauge, "Messages behind."};
constexpr MetricFamily kLatency{"test_seconds", MetricType::histogram, "Durations.",
                                {"stage"}};
constexpr MetricFamily kEventsTwin{"test_events_total", MetricType::gauge, "Another.",
                                   {"stream"}};
constexpr MetricFamily kBadHelp{"test_bad", MetricType::gauge, "two\nlines"};

constexpr std::array kStreamFamilies{&kEvents};
constexpr std::array kOtherFamilies{&kLag, &kLatency};

TEST_CASE("families render in registration order with their samples together", "[metrics]") {
  MetricsRegistry registry;
  registry.add(kStreamFamilies, [](MetricsWriter& out) { out.sample(kEvents, {"a"}, 3); });
  registry.add(kOtherFamilies, [](MetricsWriter& out) {
    out.sample(kLag, {}, 0.1);
    // Written after test_lag, rendered with test_events_total.
    out.sample(kEvents, {"b"}, 4);
  });
  registry.add(kStreamFamilies, [](MetricsWriter&) {});  // the same family again: allowed
  CHECK(registry.families().size() == 3);
  CHECK(registry.render() ==
        "# HELP test_events_total Events seen.\n"
        "# TYPE test_events_total counter\n"
        "test_events_total{stream=\"a\"} 3\n"
        "test_events_total{stream=\"b\"} 4\n"
        "# HELP test_lag Messages behind.\n"
        "# TYPE test_lag gauge\n"
        "test_lag 0.1\n"
        "# HELP test_seconds Durations.\n"
        "# TYPE test_seconds histogram\n");
}

TEST_CASE("label values are escaped and numbers read back exactly", "[metrics]") {
  MetricsRegistry registry;
  registry.add(kStreamFamilies, [](MetricsWriter& out) {
    out.sample(kEvents, {"quote\" back\\slash\nnewline"}, 1e300);
  });
  CHECK(registry.render().find("test_events_total{stream=\"quote\\\" back\\\\slash\\nnewline\"} "
                               "1e+300\n") != std::string::npos);
  CHECK(format_sample_value(0.1 + 0.2) == "0.30000000000000004");
  CHECK(format_sample_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_sample_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_sample_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(format_sample_value(12345678) == "12345678");
}

TEST_CASE("a histogram writes cumulative buckets, +Inf, sum and count", "[metrics]") {
  MetricsRegistry registry;
  registry.add(kOtherFamilies, [](MetricsWriter& out) {
    const std::array<double, 2> bounds{0.5, 1};
    const std::array<uint64_t, 2> buckets{1, 3};
    out.histogram(kLatency, {"decode"}, bounds, buckets, 2.25, 4);
  });
  CHECK(registry.render().find("test_seconds_bucket{stage=\"decode\",le=\"0.5\"} 1\n"
                               "test_seconds_bucket{stage=\"decode\",le=\"1\"} 3\n"
                               "test_seconds_bucket{stage=\"decode\",le=\"+Inf\"} 4\n"
                               "test_seconds_sum{stage=\"decode\"} 2.25\n"
                               "test_seconds_count{stage=\"decode\"} 4\n") != std::string::npos);
}

TEST_CASE("a collector's mistakes are refused", "[metrics]") {
  MetricsRegistry registry;
  SECTION("a family nobody registered") {
    registry.add(kStreamFamilies, [](MetricsWriter& out) { out.sample(kLag, {}, 1); });
    CHECK_THROWS_WITH(registry.render(), "metric test_lag was not registered");
  }
  SECTION("the wrong number of label values") {
    registry.add(kStreamFamilies, [](MetricsWriter& out) { out.sample(kEvents, {}, 1); });
    CHECK_THROWS_WITH(registry.render(), "metric test_events_total: 0 label values for 1 labels");
  }
  SECTION("a sample of a histogram") {
    registry.add(kOtherFamilies, [](MetricsWriter& out) { out.sample(kLatency, {"x"}, 1); });
    CHECK_THROWS_AS(registry.render(), std::logic_error);
  }
  SECTION("two families of one name") {
    registry.add(kStreamFamilies, [](MetricsWriter&) {});
    const std::array twin{&kEventsTwin};
    CHECK_THROWS_WITH(registry.add(twin, [](MetricsWriter&) {}),
                      "metric test_events_total is declared twice");
  }
  SECTION("a help text of two lines") {
    const std::array bad{&kBadHelp};
    CHECK_THROWS_AS(registry.add(bad, [](MetricsWriter&) {}), std::logic_error);
  }
}

TEST_CASE("the Markdown table lists every family with its labels", "[metrics]") {
  const std::array<const MetricFamily*, 3> families{&kEvents, &kLag, &kLatency};
  CHECK(markdown_table(families) ==
        "| metric | type | labels | help |\n|---|---|---|---|\n"
        "| `test_events_total` | counter | `stream` | Events seen. |\n"
        "| `test_lag` | gauge |  | Messages behind. |\n"
        "| `test_seconds` | histogram | `stage`, `le` | Durations. |\n");
}

}  // namespace
}  // namespace driftd::metrics
