// Reads committed alert events back from SQLite, for subscribers catching
// up (server-sent events with Last-Event-ID, webhook deliveries) and for the
// history API. Works on any connection, read-only ones included.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "store/alert_event.h"
#include "store/sqlite.h"

namespace driftd::store {

// Events with id > `after`, in id order, at most `limit`; deliverers skip
// those not AlertEvent::delivered_here but move their cursors past them.
std::vector<AlertEvent> read_alert_events(Database& db, int64_t after, std::size_t limit);

// The newest event id (0 when there is none).
int64_t last_alert_event_id(Database& db);

}  // namespace driftd::store
