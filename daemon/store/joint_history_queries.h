// The stored windows of feature pairs and groups (joint_window_metrics,
// migrations/0007) as the historical API and driftctl show them
// (docs/api.md, "Pairs and groups"): a measure's series, and one window row
// in full. history_queries.h's metric_series_json() answers for a pair or
// group through here, so GET /v1/metrics takes any subject's name.
//
// Guarantees and thread safety: as history_queries.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "store/history_queries.h"
#include "store/sqlite.h"

namespace driftd::store {

// Whether `name` is a pair or group of `stream` in this database (it has a
// stored reference).
bool is_joint_subject(Database& db, std::string_view stream, std::string_view name);

// The numbers a pair's or group's series can be asked for.
bool is_joint_series_metric(std::string_view metric);

// As metric_series_json(), for a pair or group: "kind" ("pair" | "group")
// added, each point's window_id a joint window's (GET
// /v1/joint-windows/{id}). Throws InputError for a metric it does not have.
nlohmann::ordered_json joint_metric_series_json(Database& db, const MetricQuery& query);

// One joint window row: {"id", "stream", "name", "kind", "start", "end",
// "n", "incomplete", "late", "closed_at", "reference": {"id", "version"},
// every number column (null when infinite or not computed, see
// "infinite"), "verdict", "detail"}. Throws NotFound.
nlohmann::ordered_json joint_window_json(Database& db, int64_t id);

}  // namespace driftd::store
