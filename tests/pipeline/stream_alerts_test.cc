// StreamAlerts' states carried from one holder to another (what a cluster
// owner's failover does with owner_state.h): a holder resumed from another's
// states() mid-series makes exactly the changes the uninterrupted one makes,
// for a rule with a streak (for) and a sequential rule (its CUSUM).
#include "pipeline/stream_alerts.h"

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "config/config_parser.h"
#include "pipeline/feature_reference.h"
#include "pipeline/stream_layout.h"
#include "pipeline/stream_references.h"
#include "pipeline/window_evaluator.h"

namespace driftd {
namespace {

const config::Config kConfig = config::parse_config(R"({
  "storage": {"path": "unused.db"},
  "streams": [{"name": "s", "source": {"type": "http"},
    "window": {"type": "tumbling", "size": "1s"},
    "features": [{"name": "a", "path": "/a", "type": "categorical"},
                 {"name": "b", "path": "/b", "type": "categorical"}],
    "alerts": [
      {"metric": "jsd", "warn": 0.01, "critical": 0.05, "for": 2, "resolve_after": 2,
       "max_p_value": 0.01},
      {"metric": "kl_pq", "warn": 0.002, "critical": 1, "sequential": {"arl": 100},
       "resolve_after": 3}]}]})");

// Windows of 400 events over categories x, y, z whose share of z drifts up
// and back down, a little differently for each feature.
std::vector<std::vector<uint64_t>> window_series(const CounterLayout& layout) {
  std::mt19937_64 random(7);
  std::vector<std::vector<uint64_t>> windows;
  for (int w = 0; w < 60; ++w) {
    std::vector<uint64_t> counts(layout.size(), 0);
    const double drift = w < 20 ? 0.0 : w < 40 ? 0.02 * (w - 19) : 0.0;
    for (std::size_t f = 0; f < 2; ++f) {
      const FeatureSlots& slots = layout.feature(f);
      const double shift = drift / static_cast<double>(f + 1);
      std::discrete_distribution<int> category({0.45 - shift, 0.45, 0.10 + shift});
      for (int e = 0; e < 400; ++e) ++counts[slots.first + static_cast<std::size_t>(category(random))];
    }
    counts[CounterLayout::kEvents] = 400;
    windows.push_back(std::move(counts));
  }
  return windows;
}

TEST_CASE("A holder resumed from states() makes the changes the uninterrupted one makes") {
  const config::StreamConfig& stream = kConfig.streams[0];
  std::vector<std::string_view> categories;
  for (int i = 0; i < 450; ++i) categories.push_back("x");
  for (int i = 0; i < 450; ++i) categories.push_back("y");
  for (int i = 0; i < 100; ++i) categories.push_back("z");
  StreamReferences references;
  for (const config::FeatureConfig& feature : stream.features) {
    references.features.push_back(categorical_reference(feature, categories, 0));
  }
  const CounterLayout layout = counter_layout(stream, references);
  const auto windows = window_series(layout);

  StreamAlerts uninterrupted(stream);
  StreamAlerts first(stream);
  StreamAlerts second(stream);
  std::size_t changes = 0;
  bool cusum_handed_over = false;
  for (std::size_t w = 0; w < windows.size(); ++w) {
    const WindowEvaluation evaluation = evaluate_window(
        stream, references, layout, windows[w],
        {static_cast<int64_t>(w) * 1000, static_cast<int64_t>(w + 1) * 1000});
    const std::vector<AlertChange> expected = uninterrupted.apply(evaluation);
    changes += expected.size();
    // Hand over at every window: each holder continues from the other's states.
    StreamAlerts& holder = w % 2 == 0 ? first : second;
    StreamAlerts& next = w % 2 == 0 ? second : first;
    INFO("window " << w);
    CHECK(holder.apply(evaluation) == expected);
    for (const AlertRuleState& state : holder.states()) cusum_handed_over |= state.cusum() > 0;
    next.resume(holder.states());
    CHECK(next.states() == uninterrupted.states());
  }
  // The series makes the rules fire, move and resolve; a sequential rule's
  // CUSUM was non-zero at some hand-over.
  CHECK(changes >= 4);
  CHECK(cusum_handed_over);
}

TEST_CASE("States of another shape are refused and change nothing") {
  const config::StreamConfig& stream = kConfig.streams[0];
  StreamAlerts alerts(stream);
  std::vector<AlertRuleState> states = alerts.states();
  REQUIRE(states.size() == 4);  // 2 subjects x 2 rules
  states[3] = AlertRuleState::restore(Severity::kWarn, 1);
  alerts.resume(states);
  CHECK(alerts.subject_severity(1) == Severity::kWarn);
  states.pop_back();
  CHECK_THROWS_WITH(alerts.resume(states),
                    Catch::Contains("stream s has 4 alert rule states (subjects x rules), the checkpoint 3"));
  CHECK(alerts.subject_severity(1) == Severity::kWarn);
}

}  // namespace
}  // namespace driftd
