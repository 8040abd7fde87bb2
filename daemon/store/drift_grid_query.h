// The drift grid of the dashboard (GET /v1/streams/{stream}/grid): one
// measure of every feature of a stream over its latest windows, and each
// feature's alerts, in one read.
//
// Thread safety: one Database per thread, as everywhere in the store.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "store/sqlite.h"

namespace driftd::store {

struct GridQuery {
  std::string stream;
  std::string metric = "jsd";  // is_series_metric() (history_queries.h)
  std::size_t windows = 30;    // 1..500
};

// {"stream", "metric",
//  "windows": [{"start", "end"}] (the latest `windows` window starts of the
//             stream's features, oldest first),
//  "features": [{"name", "alerts", "firing", "cells": [...]}]}.
// A feature's `alerts` counts its alert episodes opened by one of those
// windows or still firing, `firing` is the severity of its open alert ("warn", "critical")
// or null; features come with the most alerts first (then the most severe
// firing, then configuration order). `cells` has one entry per window:
// {"window_id", "n", "value"} (value null when not computed, and
// "infinite": true when +inf) or null when the feature has no such window.
// Throws NotFound (unknown stream) or InputError (metric, windows).
nlohmann::ordered_json drift_grid_json(Database& db, const GridQuery& query);

}  // namespace driftd::store
