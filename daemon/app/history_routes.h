// The historical API, read from SQLite through pooled read-only connections
// (the window manager keeps writing meanwhile). Answers are the JSON of
// store/history_queries.h; docs/api.md documents them.
//   GET /v1/alerts?stream=&feature=&severity=&state=&from=&to=&limit=&cursor=
//   GET /v1/metrics?stream=&feature=&metric=&from=&to=&limit=
//   GET /v1/windows/{id}
//   GET /v1/references?stream=
//   GET /v1/references/{stream}/{feature}?version=
// Times are ms since the epoch or RFC 3339. Unknown parameters, bad values
// and unknown metrics are 400 with a message naming the parameter; a missing
// window or reference is 404.
#pragma once

#include "http/router.h"
#include "store/read_pool.h"

namespace driftd {

void register_history_routes(http::Router& router, store::ReadPool& pool);

}  // namespace driftd
