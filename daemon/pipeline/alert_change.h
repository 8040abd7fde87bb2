// One change of an alert's state that a closed window caused: which
// subject's (feature, pair or group: config.h) which rule, the transition, the severity after it and the value
// that decided it. The stream's rules produce them; the store records them
// with the window (alert rows, alert_events); the window manager logs them.
//
// Thread safety: a plain value.
#pragma once

#include <cstddef>

#include "pipeline/alert_rule.h"

namespace driftd {

struct AlertChange {
  std::size_t subject;  // features, then pairs, then groups (config::subject_name)
  std::size_t rule;     // index into the stream's alert rules
  Transition transition;
  Severity severity;  // after the transition
  double value;

  friend bool operator==(const AlertChange&, const AlertChange&) = default;
};

}  // namespace driftd
