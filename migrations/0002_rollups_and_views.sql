-- Downsampled history and the views people query with the sqlite3 shell.

-- Window rows older than storage.retention are folded into hourly buckets,
-- hourly buckets older than storage.hourly_retention into daily ones, so old
-- history stays, coarser, instead of being deleted. A bucket holds sums (so
-- buckets merge exactly) and extremes; the views divide.
-- bucket_start: ms, the start of the hour or day (UTC) of the windows' time:
-- window_start for time windows, closed_at for count windows (whose bounds
-- are sequence numbers).
CREATE TABLE window_rollups (
  stream        TEXT NOT NULL,
  feature       TEXT NOT NULL,
  resolution    TEXT NOT NULL CHECK (resolution IN ('hour', 'day')),
  bucket_start  INTEGER NOT NULL,
  windows       INTEGER NOT NULL,     -- window rows folded in
  n             INTEGER NOT NULL,
  missing       INTEGER NOT NULL,
  invalid       INTEGER NOT NULL,
  late          INTEGER NOT NULL,
  measured      INTEGER NOT NULL,     -- windows with measures (the sums' count)
  kl_pq_sum REAL NOT NULL, kl_pq_max REAL,
  jsd_sum   REAL NOT NULL, jsd_max   REAL,
  psi_sum   REAL NOT NULL, psi_max   REAL,
  hellinger_sum REAL NOT NULL, hellinger_max REAL,
  tv_sum    REAL NOT NULL, tv_max    REAL,
  p_value_min REAL,
  PRIMARY KEY (stream, feature, resolution, bucket_start)
) STRICT;

-- Alerts still firing, most severe and oldest first, with readable times.
CREATE VIEW v_alerts_open AS
SELECT id, stream, feature, metric, value, threshold, severity,
       datetime(opened_at / 1000, 'unixepoch') AS opened, window_start, window_end, evidence
FROM alerts WHERE state = 'firing'
ORDER BY severity = 'critical' DESC, opened_at;

-- Every alert transition in order (what subscribers were sent).
CREATE VIEW v_alert_events AS
SELECT e.id AS event_id, datetime(e.at / 1000, 'unixepoch') AS at, a.stream, a.feature,
       a.metric, e.transition, e.severity, a.id AS alert_id
FROM alert_events e JOIN alerts a ON a.id = e.alert_id;

-- One measure series across resolutions: full window rows, then hourly and
-- daily buckets (means over the bucket's windows) for older history.
CREATE VIEW v_metric_series AS
SELECT stream, feature, 'window' AS resolution, window_start AS start, window_end AS "end",
       closed_at, 1 AS windows, n, missing, invalid, late,
       kl_pq, jsd, psi, hellinger, tv, p_value
FROM window_metrics
UNION ALL
SELECT stream, feature, resolution, bucket_start,
       bucket_start + CASE resolution WHEN 'hour' THEN 3600000 ELSE 86400000 END,
       NULL, windows, n, missing, invalid, late,
       kl_pq_sum / nullif(measured, 0), jsd_sum / nullif(measured, 0),
       psi_sum / nullif(measured, 0), hellinger_sum / nullif(measured, 0),
       tv_sum / nullif(measured, 0), p_value_min
FROM window_rollups;

-- Per stream: windows kept, the latest one, and the values that could not be binned.
CREATE VIEW v_stream_health AS
SELECT s.name AS stream, s.source_type,
       count(DISTINCT w.window_start) AS windows,
       datetime(max(w.closed_at) / 1000, 'unixepoch') AS last_window_closed,
       coalesce(sum(w.n), 0) AS values_binned,
       coalesce(sum(w.missing), 0) AS missing, coalesce(sum(w.invalid), 0) AS invalid,
       coalesce(sum(w.late), 0) AS late,
       (SELECT count(*) FROM alerts a WHERE a.stream = s.name AND a.state = 'firing') AS open_alerts
FROM streams s LEFT JOIN window_metrics w ON w.stream = s.name
GROUP BY s.name;
