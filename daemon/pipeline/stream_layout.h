// What a stream's configuration and references make of its windows and
// counters: the window spec and the counter layout (counter_layout.h).
// Shared by the stream's runtime and a cluster owner merging its partials,
// so both agree on every pane's block.
//
// Thread safety: pure functions.
#pragma once

#include "config/config.h"
#include "pipeline/counter_layout.h"
#include "pipeline/stream_references.h"
#include "window/window_spec.h"

namespace driftd {

// The stream's windows (count windows for "count"): time windows in event
// time with an event_time, in processing time without.
WindowSpec window_spec(const config::StreamConfig& stream);
// The same windows with their panes by each row's own time (the domain
// event_time whatever the configuration): how a cluster owner bins the
// rows instances sent it, which carry their event times or, in processing
// time, when their instance read them.
WindowSpec window_spec_by_row_time(const config::StreamConfig& stream);

// The counters of the features, pairs and groups with a reference: a
// feature without one keeps its (zero) missing and invalid slots, a pair or
// group without one records nothing.
CounterLayout counter_layout(const config::StreamConfig& stream,
                             const StreamReferences& references);

}  // namespace driftd
