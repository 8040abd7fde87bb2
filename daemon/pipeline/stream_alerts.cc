#include "pipeline/stream_alerts.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>

#include "common/error.h"
#include "pipeline/rule_evidence.h"

namespace driftd {

StreamAlerts::StreamAlerts(const config::StreamConfig& stream)
    : stream_(stream),
      states_(config::subject_count(stream), std::vector<AlertRuleState>(stream.alerts.size())) {}

std::vector<AlertChange> StreamAlerts::apply(const WindowEvaluation& window) {
  std::vector<AlertChange> changes;
  for (std::size_t r = 0; r < stream_.alerts.size(); ++r) {
    const config::AlertRule& rule = stream_.alerts[r];
    for (std::size_t s = 0; s < states_.size(); ++s) {
      if (!config::watches(rule, stream_, s)) continue;
      const std::optional<RuleEvidence> evidence = rule_evidence(stream_, window, s, rule.metric);
      if (!evidence) continue;
      AlertRuleState& state = states_[s][r];
      const Transition transition = state.observe(rule, *evidence);
      if (transition != Transition::kNone) {
        changes.push_back({s, r, transition, state.severity(), evidence->value});
      }
    }
  }
  return changes;
}

std::array<uint64_t, 2> StreamAlerts::open() const {
  std::array<uint64_t, 2> open{};
  for (const auto& rules : states_) {
    for (const AlertRuleState& state : rules) {
      if (state.severity() == Severity::kWarn) ++open[0];
      if (state.severity() == Severity::kCritical) ++open[1];
    }
  }
  return open;
}

Severity StreamAlerts::subject_severity(std::size_t subject) const {
  Severity highest = Severity::kNone;
  for (const AlertRuleState& state : states_[subject]) {
    highest = std::max(highest, state.severity());
  }
  return highest;
}

void StreamAlerts::restore(std::size_t subject, std::size_t rule, Severity severity) {
  states_[subject][rule] = AlertRuleState::restore(severity, 0);
}

std::vector<AlertRuleState> StreamAlerts::states() const {
  std::vector<AlertRuleState> flat;
  flat.reserve(states_.size() * stream_.alerts.size());
  for (const auto& rules : states_) flat.insert(flat.end(), rules.begin(), rules.end());
  return flat;
}

void StreamAlerts::resume(std::span<const AlertRuleState> states) {
  const std::size_t rules = stream_.alerts.size();
  if (states.size() != states_.size() * rules) {
    throw InputError("stream " + stream_.name + " has " + std::to_string(states_.size() * rules) +
                     " alert rule states (subjects x rules), the checkpoint " +
                     std::to_string(states.size()));
  }
  for (std::size_t s = 0; s < states_.size(); ++s) {
    std::copy_n(states.begin() + static_cast<std::ptrdiff_t>(s * rules), rules, states_[s].begin());
  }
}

}  // namespace driftd
