// The SQL of publisher_cursors: how far an at-least-once publisher (the
// Kafka alert topic, 'kafka:<topic>') has had its alert events acknowledged.
// Both functions write: run them on the writer's connection
// (write_queue.h), inside a transaction.
//
// Thread safety: that of the connection passed in (sqlite.h).
#pragma once

#include <cstdint>
#include <string>

#include "store/sqlite.h"

namespace driftd::store {

// The cursor's delivered_through; a new cursor is created at the newest
// alert event (a new topic starts with the events committed after it).
int64_t open_publisher_cursor(Database& db, const std::string& name, int64_t now_ms);
void advance_publisher_cursor(Database& db, const std::string& name, int64_t through,
                              int64_t now_ms);

}  // namespace driftd::store
