#include "pipeline/alert_rule.h"

#include <algorithm>

#include "pipeline/cusum.h"

namespace driftd {
namespace {

bool significant(const config::AlertRule& rule, const RuleEvidence& evidence) {
  if (evidence.fdr_significant) return *evidence.fdr_significant;
  return !rule.max_p_value || evidence.p_value <= *rule.max_p_value;
}

// The level of the value alone.
Severity level_of_value(const config::AlertRule& rule, double value) {
  if (value >= rule.critical) return Severity::kCritical;
  if (value >= rule.warn) return Severity::kWarn;
  return Severity::kNone;
}

Severity level_of(const config::AlertRule& rule, const RuleEvidence& evidence) {
  if (!significant(rule, evidence)) return Severity::kNone;
  return level_of_value(rule, evidence.value);
}

bool clean(const config::AlertRule& rule, const RuleEvidence& evidence) {
  return evidence.value < rule.resolve_below ||
         (rule.resolve_p_value && evidence.p_value > *rule.resolve_p_value);
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

  if (!firing() && rule.sequential) {
    const config::SequentialRule& sequential = *rule.sequential;
    cusum_ = std::max(0.0, cusum_ + evidence_z(evidence.p_value) - sequential.k);
    if (cusum_ < cusum_threshold(kRunLengthMargin * sequential.arl, sequential.k)) {
      return Transition::kNone;
    }
    const Severity level = level_of_value(rule, evidence.value);
    if (level == Severity::kNone) return Transition::kNone;  // evidence without effect: keep it
    severity_ = level;
    cusum_ = 0;
    streak_ = 0;
    return Transition::kFired;
  }
  if (!firing()) {
    const Severity level = level_of(rule, evidence);
    if (level == Severity::kNone) {
      streak_ = 0;
      return Transition::kNone;
    }
    if (++streak_ < rule.for_windows) return Transition::kNone;
    severity_ = level;
    streak_ = 0;
    return Transition::kFired;
  }

  if (clean(rule, evidence)) {
    if (++streak_ < rule.resolve_after) return Transition::kNone;
    severity_ = Severity::kNone;
    streak_ = 0;
    return Transition::kResolved;
  }
  streak_ = 0;
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

AlertRuleState AlertRuleState::restore(Severity severity, uint32_t streak, double cusum) {
  AlertRuleState state;
  state.severity_ = severity;
  state.streak_ = streak;
  state.cusum_ = cusum;
  return state;
}

}  // namespace driftd
