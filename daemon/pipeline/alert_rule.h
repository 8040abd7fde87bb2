// The life cycle of one alert rule for one feature of a stream, window by
// window: when to fire, escalate, de-escalate and resolve.
//
// A window counts as evidence only when it has at least min_samples values;
// a window with less changes nothing (it neither builds up nor resolves).
// Its level is critical when value >= critical, warn when value >= warn,
// else none -- and none whenever the difference is not significant: p_value
// above max_p_value (when set) or rejected by the stream's
// Benjamini-Hochberg procedure (when configured).
//   * Not firing: `for_windows` consecutive windows at warn or above fire an
//     alert with the level of the last one.
//   * Firing: the alert stays open while value >= resolve_below (hysteresis:
//     resolve_below <= warn), following critical/warn as the value moves,
//     and resolves on the first counted window below resolve_below.
// So there is at most one open alert per (stream, feature, rule), and every
// change of state is one Transition that the store records.
//
// Thread safety: a plain value; the stream's window manager owns it.
#pragma once

#include <cstdint>

#include "config/config.h"

namespace driftd {

enum class Severity : uint8_t { kNone, kWarn, kCritical };
enum class Transition : uint8_t { kNone, kFired, kEscalated, kDeescalated, kResolved };

const char* to_string(Severity severity);
const char* to_string(Transition transition);

// What one closed window says about the rule's metric for one feature.
struct RuleEvidence {
  double value;          // the metric; may be +inf, never NaN
  double p_value;        // G-test p-value of the window against the reference
  uint64_t samples;      // values binned in the window
  bool fdr_significant;  // true unless the stream's BH procedure rejected it
};

class AlertRuleState {
 public:
  // Applies one window's evidence; returns what changed (kNone if nothing).
  // REQUIRES: rule as validated by the config parser (critical >= warn >=
  // resolve_below, for_windows >= 1).
  Transition observe(const config::AlertRule& rule, const RuleEvidence& evidence);

  Severity severity() const { return severity_; }
  bool firing() const { return severity_ != Severity::kNone; }
  uint32_t consecutive_breaches() const { return consecutive_breaches_; }

  // For checkpoints: the state is exactly these two numbers.
  static AlertRuleState restore(Severity severity, uint32_t consecutive_breaches);

 private:
  Severity severity_ = Severity::kNone;
  uint32_t consecutive_breaches_ = 0;
};

}  // namespace driftd
