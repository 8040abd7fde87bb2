// GET /v1/alerts/stream: alert transitions as server-sent events, each
//   id: <alert event id>
//   event: alert
//   data: <the alert event document of docs/api.md>
// Query parameters stream, feature, severity, state filter them
// (alerts/alert_filter.h). A client that reconnects with a Last-Event-ID
// header (or a last_event_id parameter, for clients that cannot set headers)
// first gets every matching event it missed, read from SQLite, then live
// ones; without it, live events from now on. Heartbeat comments and the
// bounds on slow clients are the event stream's (http/event_stream.h): a
// client too slow to keep up is disconnected and resumes with its
// Last-Event-ID, missing nothing and never slowing the pipeline.
// Errors: 400 (bad filter or Last-Event-ID), 503 (too many streams).
#pragma once

#include "alerts/alert_feed.h"
#include "http/router.h"

namespace driftd {

void register_alert_stream_route(http::Router& router, alerts::AlertFeed& feed);

}  // namespace driftd
