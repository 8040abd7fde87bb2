#include "store/delivery_log_retention.h"

namespace driftd::store {

namespace {

// The first alert event id some consumer still needs: the oldest pending
// delivery of a live subscription, the next event a live subscription has not enqueued, the next
// event a Kafka cursor has not published. Events below it are delivered
// everywhere.
constexpr const char* kHorizon = R"sql(
  SELECT MIN(needed) FROM (
    SELECT MIN(o.event_id) AS needed FROM webhook_outbox o
      JOIN subscriptions s ON s.id = o.subscription_id
      WHERE o.state = 'pending' AND s.deleted_at IS NULL
    UNION ALL
    SELECT MIN(enqueued_through) + 1 FROM subscriptions WHERE deleted_at IS NULL
    UNION ALL
    SELECT MIN(delivered_through) + 1 FROM publisher_cursors
    UNION ALL
    SELECT COALESCE(MAX(id), 0) + 1 FROM alert_events
  )
)sql";

}  // namespace

DeliveryLogPruned prune_delivery_log(Database& db, int64_t cutoff_ms) {
  DeliveryLogPruned pruned;
  Transaction transaction(db);
  Statement horizon_query = db.prepare(kHorizon);
  horizon_query.step();
  const int64_t horizon = horizon_query.column_int(0);

  Statement outbox = db.prepare(
      "DELETE FROM webhook_outbox WHERE (state = 'delivered' OR subscription_id IN "
      "(SELECT id FROM subscriptions WHERE deleted_at IS NOT NULL)) AND event_id IN "
      "(SELECT id FROM alert_events WHERE at < ?1 AND id < ?2)");
  outbox.bind(1, cutoff_ms).bind(2, horizon).run();
  pruned.outbox_rows = db.changes();

  Statement events = db.prepare(
      "DELETE FROM alert_events WHERE at < ?1 AND id < ?2 AND NOT EXISTS "
      "(SELECT 1 FROM webhook_outbox o WHERE o.event_id = alert_events.id)");
  events.bind(1, cutoff_ms).bind(2, horizon).run();
  pruned.alert_events = db.changes();

  Statement attempts = db.prepare("DELETE FROM webhook_attempts WHERE at < ?1");
  attempts.bind(1, cutoff_ms).run();
  pruned.attempts = db.changes();

  transaction.commit();
  return pruned;
}

}  // namespace driftd::store
