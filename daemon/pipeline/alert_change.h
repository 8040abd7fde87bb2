// One change of an alert's state that a closed window caused: which
// feature's which rule, the transition, the severity after it and the value
// that decided it. The stream's rules produce them; the store records them
// with the window (alert rows, alert_events); the window manager logs them.
//
// Thread safety: a plain value.
#pragma once

#include <cstddef>

#include "pipeline/alert_rule.h"

namespace driftd {

struct AlertChange {
  std::size_t feature;  // index into the stream's features
  std::size_t rule;     // index into the stream's alert rules
  Transition transition;
  Severity severity;  // after the transition
  double value;
};

}  // namespace driftd
