#include "pipeline/alert_rule.h"

namespace driftd {
namespace {

Severity level_of(const config::AlertRule& rule, const RuleEvidence& evidence) {
  const bool significant =
      evidence.fdr_significant && (!rule.max_p_value || evidence.p_value <= *rule.max_p_value);
  if (!significant) return Severity::kNone;
  if (evidence.value >= rule.critical) return Severity::kCritical;
  if (evidence.value >= rule.warn) return Severity::kWarn;
  return Severity::kNone;
}

}  // namespace

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::kWarn: return "warn";
    case Severity::kCritical: return "critical";
    case Severity::kNone: break;
  }
  return "none";
}

const char* to_string(Transition transition) {
  switch (transition) {
    case Transition::kFired: return "fired";
    case Transition::kEscalated: return "escalated";
    case Transition::kDeescalated: return "deescalated";
    case Transition::kResolved: return "resolved";
    case Transition::kNone: break;
  }
  return "none";
}

Transition AlertRuleState::observe(const config::AlertRule& rule, const RuleEvidence& evidence) {
  if (evidence.samples < rule.min_samples) return Transition::kNone;

  if (!firing()) {
    const Severity level = level_of(rule, evidence);
    if (level == Severity::kNone) {
      consecutive_breaches_ = 0;
      return Transition::kNone;
    }
    if (++consecutive_breaches_ < rule.for_windows) return Transition::kNone;
    severity_ = level;
    return Transition::kFired;
  }

  if (evidence.value < rule.resolve_below) {
    severity_ = Severity::kNone;
    consecutive_breaches_ = 0;
    return Transition::kResolved;
  }
  // Still open: follow the value between warn and critical. A window that
  // is no longer significant keeps the current severity (hysteresis).
  const Severity level = level_of(rule, evidence);
  if (level == Severity::kCritical && severity_ == Severity::kWarn) {
    severity_ = Severity::kCritical;
    return Transition::kEscalated;
  }
  if (level == Severity::kWarn && severity_ == Severity::kCritical) {
    severity_ = Severity::kWarn;
    return Transition::kDeescalated;
  }
  return Transition::kNone;
}

AlertRuleState AlertRuleState::restore(Severity severity, uint32_t consecutive_breaches) {
  AlertRuleState state;
  state.severity_ = severity;
  state.consecutive_breaches_ = consecutive_breaches;
  return state;
}

}  // namespace driftd
