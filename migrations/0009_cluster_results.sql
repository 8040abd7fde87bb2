-- Cluster mode (docs/architecture.md, "Cluster mode"): every instance writes
-- the results topic into its own database.
--
-- How far it has: the next offset of each partition of the results topic,
-- written in the transaction of the windows and alert changes it covers, so
-- a restart neither loses nor repeats a result.
CREATE TABLE cluster_result_positions (
  topic       TEXT NOT NULL,
  partition   INTEGER NOT NULL,
  next_offset INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (topic, partition)
) STRICT;

-- Whether this instance delivers the alert event (webhooks, Alertmanager,
-- the Kafka alert topic): always in single-instance mode; in cluster mode
-- only the events of the results this instance published as the stream's
-- owner, so every event is delivered once, by one instance, while every
-- instance serves every event (history, server-sent events).
ALTER TABLE alert_events ADD COLUMN delivered_here INTEGER NOT NULL DEFAULT 1
  CHECK (delivered_here IN (0, 1));
