// The historical API, read from SQLite on the read pool's threads and
// connections (store/read_pool.h), never on an I/O thread: a handler reads
// its parameters, posts the query and returns; the read thread answers.
// The window manager keeps writing meanwhile. Answers are the JSON of
// store/history_queries.h; docs/api.md documents them.
//   GET /v1/alerts?stream=&feature=&severity=&state=&from=&to=&limit=&cursor=
//   GET /v1/metrics?stream=&feature=&metric=&from=&to=&limit=&cursor=
//   GET /v1/windows/{id}
//   GET /v1/references?stream=
//   GET /v1/references/{stream}/{feature}?version=
// Times are ms since the epoch or RFC 3339. Unknown parameters, bad values
// and unknown metrics are 400 with a message naming the parameter; a missing
// window or reference is 404. A full read pool (http.read_threads running,
// http.read_queue waiting) is 503 with Retry-After; a query out of its time
// budget (http.read_time_budget) gives a page cut short with its cursor, or
// 503 when it has nothing to show yet.
#pragma once

#include "http/router.h"
#include "store/read_pool.h"

namespace driftd {

void register_history_routes(http::Router& router, store::ReadPool& pool);

}  // namespace driftd
