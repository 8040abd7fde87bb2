-- What Prometheus Alertmanager must be told (daemon/alerts/alertmanager_notifier.h).
--
-- Alertmanager identifies an alert by its labels, severity included, so each
-- row is one severity of one alert episode: firing while ends_at is NULL
-- (re-sent every alertmanager.resend_interval), ended when the episode
-- resolved or its severity changed (sent once with endsAt = ends_at, then
-- deleted). The rows are made from the alert events (alert_events, written in
-- the transaction of the alert change) after the cursor 'alertmanager' of
-- publisher_cursors, in the transaction that advances the cursor, so no
-- change is lost between the commit, an outage of Alertmanager and a restart.
CREATE TABLE alertmanager_alerts (
  id           INTEGER PRIMARY KEY,
  alert_id     INTEGER NOT NULL REFERENCES alerts(id),
  severity     TEXT NOT NULL CHECK (severity IN ('warn', 'critical')),
  starts_at    INTEGER NOT NULL,  -- ms: when this severity of the alert began
  ends_at      INTEGER,           -- ms; NULL while firing
  window_id    INTEGER,           -- window_metrics.id (features) or joint_window_metrics.id; NULL if unknown
  source       TEXT NOT NULL,     -- the alert event document (docs/api.md) the annotations come from
  next_send_at INTEGER NOT NULL   -- ms; 0: at once
) STRICT;
CREATE UNIQUE INDEX alertmanager_alerts_firing ON alertmanager_alerts (alert_id) WHERE ends_at IS NULL;
CREATE INDEX alertmanager_alerts_due ON alertmanager_alerts (next_send_at, id);
