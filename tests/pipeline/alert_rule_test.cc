#include "pipeline/alert_rule.h"

#include <limits>
#include <optional>
#include <vector>

#include <catch2/catch.hpp>

namespace driftd {
namespace {

config::AlertRule rule_with(uint32_t for_windows = 1) {
  config::AlertRule rule;
  rule.warn = 0.02;
  rule.critical = 0.05;
  rule.resolve_below = 0.01;
  rule.for_windows = for_windows;
  rule.min_samples = 100;
  rule.max_p_value = 0.001;
  return rule;
}

RuleEvidence evidence(double value, double p_value = 1e-9, uint64_t samples = 1000) {
  return {value, p_value, samples, std::nullopt};
}

std::vector<Transition> run(AlertRuleState& state, const config::AlertRule& rule,
                            const std::vector<RuleEvidence>& windows) {
  std::vector<Transition> transitions;
  for (const RuleEvidence& window : windows) transitions.push_back(state.observe(rule, window));
  return transitions;
}

TEST_CASE("A rule fires after for consecutive breaching windows") {
  AlertRuleState state;
  const auto transitions =
      run(state, rule_with(2), {evidence(0.03), evidence(0.001), evidence(0.03), evidence(0.03)});
  CHECK(transitions == std::vector<Transition>{Transition::kNone, Transition::kNone,
                                               Transition::kNone, Transition::kFired});
  CHECK(state.severity() == Severity::kWarn);
}

TEST_CASE("A rule fires at critical when the last window is critical") {
  AlertRuleState state;
  CHECK(state.observe(rule_with(), evidence(0.2)) == Transition::kFired);
  CHECK(state.severity() == Severity::kCritical);
}

TEST_CASE("Windows below min_samples change nothing") {
  AlertRuleState state;
  const config::AlertRule rule = rule_with(2);
  CHECK(state.observe(rule, evidence(0.03)) == Transition::kNone);
  CHECK(state.observe(rule, evidence(0.9, 1e-9, 99)) == Transition::kNone);
  CHECK(state.streak() == 1);
  CHECK(state.observe(rule, evidence(0.03)) == Transition::kFired);
  CHECK(state.observe(rule, evidence(0.0, 1.0, 5)) == Transition::kNone);
  CHECK(state.firing());
}

TEST_CASE("A difference that is not significant does not breach") {
  AlertRuleState state;
  const config::AlertRule rule = rule_with();
  CHECK(state.observe(rule, evidence(0.5, 0.01)) == Transition::kNone);
  RuleEvidence rejected_by_fdr = evidence(0.5);
  rejected_by_fdr.fdr_significant = false;
  CHECK(state.observe(rule, rejected_by_fdr) == Transition::kNone);
  config::AlertRule without_p = rule;
  without_p.max_p_value.reset();
  CHECK(state.observe(without_p, evidence(0.5, 0.9)) == Transition::kFired);
}

TEST_CASE("A firing alert escalates and de-escalates and resolves below resolve_below only") {
  AlertRuleState state;
  const auto transitions =
      run(state, rule_with(),
          {evidence(0.03), evidence(0.06), evidence(0.03), evidence(0.015), evidence(0.009)});
  CHECK(transitions == std::vector<Transition>{Transition::kFired, Transition::kEscalated,
                                               Transition::kDeescalated, Transition::kNone,
                                               Transition::kResolved});
  CHECK_FALSE(state.firing());
  CHECK(state.streak() == 0);
}

TEST_CASE("The stream's fdr decision replaces max_p_value") {
  const config::AlertRule rule = rule_with();
  AlertRuleState state;
  RuleEvidence kept_by_fdr = evidence(0.03, 0.01);  // p above max_p_value 0.001
  kept_by_fdr.fdr_significant = true;
  CHECK(state.observe(rule, kept_by_fdr) == Transition::kFired);
  AlertRuleState other;
  RuleEvidence rejected_by_fdr = evidence(0.03, 1e-9);  // p below max_p_value
  rejected_by_fdr.fdr_significant = false;
  CHECK(other.observe(rule, rejected_by_fdr) == Transition::kNone);
}

TEST_CASE("A window that is no longer significant at resolve_p_value is clean") {
  config::AlertRule rule = rule_with();
  rule.resolve_p_value = 0.01;
  AlertRuleState state;
  REQUIRE(state.observe(rule, evidence(0.03)) == Transition::kFired);
  // Still above resolve_below: open while significant at 0.01 (the hysteresis
  // band between max_p_value 0.001 and 0.01 keeps it open) ...
  CHECK(state.observe(rule, evidence(0.03, 0.005)) == Transition::kNone);
  CHECK(state.firing());
  // ... resolved once the p-value says the difference is noise, whatever the value.
  CHECK(state.observe(rule, evidence(0.03, 0.2)) == Transition::kResolved);
}

TEST_CASE("resolve_after consecutive clean windows resolve, a dirty one restarts the count") {
  config::AlertRule rule = rule_with();
  rule.resolve_after = 3;
  AlertRuleState state;
  const auto transitions =
      run(state, rule,
          {evidence(0.03), evidence(0.001), evidence(0.002), evidence(0.03), evidence(0.001),
           evidence(0.001), evidence(0.001), evidence(0.03)});
  CHECK(transitions == std::vector<Transition>{Transition::kFired, Transition::kNone,
                                               Transition::kNone, Transition::kNone,
                                               Transition::kNone, Transition::kNone,
                                               Transition::kResolved, Transition::kFired});
}

TEST_CASE("A sequential rule fires when the windows' evidence adds up") {
  config::AlertRule rule = rule_with();
  rule.sequential = config::SequentialRule{};  // ARL 1000 (x 2 margin), k 0.5: h = 5.75
  // p = 0.01 (z = 2.33, +1.83 a window): never enough alone, fires in the fourth window.
  AlertRuleState state;
  const auto transitions = run(state, rule,
                               {evidence(0.03, 0.01), evidence(0.03, 0.01), evidence(0.03, 0.01),
                                evidence(0.03, 0.01)});
  CHECK(transitions == std::vector<Transition>{Transition::kNone, Transition::kNone,
                                               Transition::kNone, Transition::kFired});
  CHECK(state.cusum() == 0);  // starts again once fired
  // Under no drift (p around 0.5, z around 0) the sum stays at 0.
  AlertRuleState quiet;
  for (int i = 0; i < 100; ++i) CHECK(quiet.observe(rule, evidence(0.03, 0.5)) == Transition::kNone);
  CHECK(quiet.cusum() == 0);
  // Evidence without effect (value below warn) is kept, not spent.
  AlertRuleState small;
  run(small, rule, {evidence(0.001, 1e-9), evidence(0.001, 1e-9)});
  CHECK(small.cusum() > 5.75);
  CHECK(small.observe(rule, evidence(0.03, 0.5)) == Transition::kFired);
}

TEST_CASE("An infinite value is critical") {
  AlertRuleState state;
  CHECK(state.observe(rule_with(), evidence(std::numeric_limits<double>::infinity())) ==
        Transition::kFired);
  CHECK(state.severity() == Severity::kCritical);
}

TEST_CASE("Restored state continues where it left off") {
  AlertRuleState state = AlertRuleState::restore(Severity::kNone, 1);
  CHECK(state.observe(rule_with(2), evidence(0.03)) == Transition::kFired);
  AlertRuleState firing = AlertRuleState::restore(Severity::kCritical, 0);
  CHECK(firing.observe(rule_with(), evidence(0.0)) == Transition::kResolved);
}

TEST_CASE("Names of severities and transitions") {
  CHECK(std::string(to_string(Severity::kCritical)) == "critical");
  CHECK(std::string(to_string(Transition::kDeescalated)) == "deescalated");
}

}  // namespace
}  // namespace driftd
