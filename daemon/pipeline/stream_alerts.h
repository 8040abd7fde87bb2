// StreamAlerts: the state of a stream's alert rules for every subject they
// watch (features, then pairs, then groups: config::subject_name), fed one
// evaluated window at a time. Used by a stream's window manager side
// (stream_runtime) and by a cluster owner evaluating merged windows.
//
// Thread safety: one thread at a time (the one that evaluates the stream's
// windows).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "config/config.h"
#include "pipeline/alert_change.h"
#include "pipeline/alert_rule.h"
#include "pipeline/window_evaluator.h"

namespace driftd {

class StreamAlerts {
 public:
  // `stream` must outlive this.
  explicit StreamAlerts(const config::StreamConfig& stream);

  // Runs every rule on the window's evidence for each subject it watches;
  // returns what changed.
  std::vector<AlertChange> apply(const WindowEvaluation& window);
  // Alerts firing now: {warn, critical}.
  std::array<uint64_t, 2> open() const;
  // The highest severity of the open alerts on `subject`.
  // REQUIRES: subject < config::subject_count(stream).
  Severity subject_severity(std::size_t subject) const;
  // Restores a rule's state (an open alert found in storage at start).
  // REQUIRES: subject < config::subject_count(stream), rule < its alerts.
  void restore(std::size_t subject, std::size_t rule, Severity severity);

  // Every rule state, subject by subject ([subject][rule] flattened): what
  // a cluster owner's checkpoint keeps (cluster/owner_state.h).
  std::vector<AlertRuleState> states() const;
  // Loads what states() returned. Throws InputError, changing nothing, when
  // `states` does not have subject_count x rules entries.
  void resume(std::span<const AlertRuleState> states);

 private:
  const config::StreamConfig& stream_;
  std::vector<std::vector<AlertRuleState>> states_;  // [subject][rule]
};

}  // namespace driftd
