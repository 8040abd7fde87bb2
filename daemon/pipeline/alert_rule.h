// The life cycle of one alert rule for one feature of a stream, window by
// window: when to fire, escalate, de-escalate and resolve.
//
// A window counts as evidence only when it has at least min_samples values;
// a window with less changes nothing (it neither builds up nor resolves).
// Its level is critical when value >= critical, warn when value >= warn,
// else none -- and none whenever the difference is not significant: with the
// stream's `fdr`, not rejected by its Benjamini-Hochberg procedure; without,
// a calibrated p-value above max_p_value (when set).
//   * Not firing: `for_windows` consecutive windows at warn or above fire an
//     alert with the level of the last one.
//   * Firing: a window is clean when value < resolve_below or its calibrated
//     p-value is above resolve_p_value (when set); `resolve_after`
//     consecutive clean windows resolve the alert. A window that is not clean
//     restarts that count and moves the severity between critical and warn
//     (a window that is not significant keeps it). Hysteresis holds on both
//     axes (resolve_below <= warn, resolve_p_value >= max_p_value), and since
//     the calibrated p-value is uniform under no drift, an alert resolves once
//     the drift is gone whatever the bias of the metric: it cannot latch.
//   * With `sequential`, a rule that is not firing adds each counted window's
//     evidence to its CUSUM (pipeline/cusum.h) and fires when the sum
//     reaches its threshold in a window whose value is at warn or above
//     (its level), then starts the sum again; `for` and max_p_value play no
//     part in firing.
// So there is at most one open alert per (stream, feature, rule), and every
// change of state is one Transition that the store records.
//
// Thread safety: a plain value; the stream's window manager owns it.
#pragma once

#include <cstdint>
#include <optional>

#include "config/config.h"

namespace driftd {

enum class Severity : uint8_t { kNone, kWarn, kCritical };
enum class Transition : uint8_t { kNone, kFired, kEscalated, kDeescalated, kResolved };

const char* to_string(Severity severity);
const char* to_string(Transition transition);

// What one closed window says about the rule's metric for one feature.
struct RuleEvidence {
  double value;      // the metric; may be +inf, never NaN
  double p_value;    // calibrated p-value of the window against the reference
  uint64_t samples;  // values binned in the window
  // The stream's Benjamini-Hochberg decision; nullopt when it sets no fdr.
  std::optional<bool> fdr_significant;
};

class AlertRuleState {
 public:
  // Applies one window's evidence; returns what changed (kNone if nothing).
  // REQUIRES: rule as validated by the config parser (critical >= warn >=
  // resolve_below, for_windows >= 1).
  Transition observe(const config::AlertRule& rule, const RuleEvidence& evidence);

  Severity severity() const { return severity_; }
  bool firing() const { return severity_ != Severity::kNone; }
  // Consecutive windows counted toward the next transition: breaches while
  // not firing, clean windows while firing.
  uint32_t streak() const { return streak_; }
  // The CUSUM of a sequential rule that is not firing; 0 otherwise.
  double cusum() const { return cusum_; }

  // For restarts: the severity, the streak and the CUSUM (a single
  // instance restarts a sequential rule's sum at 0; a cluster owner's
  // checkpoint carries it). REQUIRES: cusum finite, >= 0, and 0 when firing.
  static AlertRuleState restore(Severity severity, uint32_t streak, double cusum = 0);

  friend bool operator==(const AlertRuleState&, const AlertRuleState&) = default;

 private:
  Severity severity_ = Severity::kNone;
  uint32_t streak_ = 0;
  double cusum_ = 0;
};

}  // namespace driftd
