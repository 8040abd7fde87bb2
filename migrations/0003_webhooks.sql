-- Webhook subscriptions and their outbox.
--
-- Alert events are written with the alerts, in the window commit
-- (alert_events). The webhook dispatcher copies the events each subscription
-- wants into webhook_outbox, advancing the subscription's enqueued_through in
-- the same transaction, then delivers each subscription's outbox in event
-- order: the oldest pending delivery first, retried with backoff until the
-- receiver answers 2xx, so a receiver that is down for an hour gets every
-- alert afterwards, in order. Every attempt is logged in webhook_attempts.
CREATE TABLE subscriptions (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  url               TEXT NOT NULL,
  filters           TEXT NOT NULL,   -- JSON {"stream": [...], "feature": [...], "severity": [...], "state": [...]}
  secret            TEXT NOT NULL,   -- HMAC-SHA256 key of the signature header
  created_at        INTEGER NOT NULL,
  deleted_at        INTEGER,         -- no more deliveries once set
  enqueued_through  INTEGER NOT NULL -- every alert event id <= this is in the outbox or did not match
) STRICT;

CREATE TABLE webhook_outbox (
  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),
  event_id        INTEGER NOT NULL REFERENCES alert_events(id),
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,  -- ms
  last_status     INTEGER,           -- HTTP status of the last attempt; NULL: no answer
  last_error      TEXT,
  delivered_at    INTEGER,
  PRIMARY KEY (subscription_id, event_id)
) STRICT;
CREATE INDEX webhook_outbox_pending ON webhook_outbox (state, subscription_id, event_id);

CREATE TABLE webhook_attempts (
  id              INTEGER PRIMARY KEY,
  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id),
  event_id        INTEGER NOT NULL,
  at              INTEGER NOT NULL,  -- ms
  status          INTEGER,           -- HTTP status; NULL: no answer (refused, timeout)
  error           TEXT,              -- NULL on 2xx
  duration_ms     INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_attempts_by_subscription ON webhook_attempts (subscription_id, id);
