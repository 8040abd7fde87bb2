// Retention of the alert delivery log: alert events (the transitions sent to
// SSE clients, webhooks and the Kafka alert topic), webhook outbox rows
// (delivered, or of deleted subscriptions) and webhook attempts, once older
// than storage.event_retention.
//
// Guarantees:
//  - An alert event is deleted only when every consumer is past it: no live
//    subscription still has it pending or not yet enqueued, and every Kafka
//    publisher cursor has published it. A receiver that is down keeps its
//    events however old they get.
//  - Alert episodes (`alerts`) and window rows are never touched here.
//  - Event ids are never reused (AUTOINCREMENT), so an SSE client resuming
//    with an older Last-Event-ID gets the oldest events still kept.
//  - One transaction.
//
// Thread safety: on the writer connection's thread (the window manager).
#pragma once

#include <cstdint>

#include "store/sqlite.h"

namespace driftd::store {

struct DeliveryLogPruned {
  int64_t alert_events = 0;
  int64_t outbox_rows = 0;
  int64_t attempts = 0;
};

// Deletes what is older than cutoff_ms (ms since the epoch) and delivered.
DeliveryLogPruned prune_delivery_log(Database& db, int64_t cutoff_ms);

}  // namespace driftd::store
