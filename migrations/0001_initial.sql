-- driftd schema, version 1. Documented in docs/schema.md.
-- Times are integers: milliseconds since the Unix epoch (UTC).
-- Divergences are in nats. A measure that is +inf is stored as NULL and its
-- key is listed in the row's `infinite` JSON array.

CREATE TABLE streams (
  name        TEXT PRIMARY KEY,
  source_type TEXT NOT NULL CHECK (source_type IN ('kafka', 'http')),
  config_json TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

-- One row per (stream, feature, version). The row with active = 1 is what
-- windows are compared with; promote makes another version active.
CREATE TABLE reference_distributions (
  id          INTEGER PRIMARY KEY,
  stream      TEXT NOT NULL REFERENCES streams(name),
  feature     TEXT NOT NULL,
  version     INTEGER NOT NULL,
  feature_type TEXT NOT NULL CHECK (feature_type IN ('numeric', 'categorical')),
  origin      TEXT NOT NULL,          -- 'capture', 'file:<path>', 'import:<path>', 'window:<window_start>'
  bins_json   TEXT NOT NULL,          -- {"edges": [...]} or {"categories": [...]}
  histogram   BLOB NOT NULL,          -- docs/histogram-format.md
  n           INTEGER NOT NULL,
  missing     INTEGER NOT NULL,
  moments_json TEXT,                  -- numeric: {"count", "mean", "variance"}
  active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
  created_at  INTEGER NOT NULL,
  UNIQUE (stream, feature, version)
) STRICT;
CREATE UNIQUE INDEX reference_active ON reference_distributions (stream, feature) WHERE active = 1;

-- One row per (stream, feature, window).
CREATE TABLE window_metrics (
  id           INTEGER PRIMARY KEY,
  stream       TEXT NOT NULL,
  feature      TEXT NOT NULL,
  window_start INTEGER NOT NULL,      -- ms; count windows: first sequence number
  window_end   INTEGER NOT NULL,      -- ms, exclusive; count windows: last + 1
  reference_id INTEGER NOT NULL REFERENCES reference_distributions(id),
  n            INTEGER NOT NULL,      -- values binned
  missing      INTEGER NOT NULL,      -- absent, null or NaN
  invalid      INTEGER NOT NULL,      -- wrong type or unparsable
  late         INTEGER NOT NULL,      -- events for this stream that arrived after their window closed
  kl_pq REAL, kl_qp REAL, jsd REAL, js_distance REAL, tv REAL, pinsker_bound REAL,
  hellinger REAL, psi REAL, entropy_p REAL, entropy_q REAL, cross_entropy_pq REAL,
  g_statistic REAL, dof INTEGER, p_value REAL, kl_pq_corrected REAL,
  gaussian_kl REAL, gaussian_location REAL, gaussian_shape REAL, gaussian_scale REAL,
  infinite     TEXT NOT NULL DEFAULT '[]',   -- JSON array of measure keys that are +inf
  top_bins     TEXT NOT NULL DEFAULT '[]',   -- JSON: [{bin, label, p, q, contribution}]
  histogram    BLOB NOT NULL,
  closed_at    INTEGER NOT NULL,
  UNIQUE (stream, feature, window_start)
) STRICT;
CREATE INDEX window_metrics_time ON window_metrics (stream, feature, window_end);

-- One row per alert episode: opened when a rule fires, resolved once.
CREATE TABLE alerts (
  id           INTEGER PRIMARY KEY,
  stream       TEXT NOT NULL,
  feature      TEXT NOT NULL,
  rule         INTEGER NOT NULL,      -- index of the rule in the stream's alerts[]
  metric       TEXT NOT NULL,
  value        REAL,                  -- latest value; NULL when +inf
  threshold    REAL NOT NULL,         -- the threshold the latest value is held against
  severity     TEXT NOT NULL CHECK (severity IN ('warn', 'critical')),  -- current (or last)
  state        TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
  window_start INTEGER NOT NULL,      -- the window that opened the alert
  window_end   INTEGER NOT NULL,
  opened_at    INTEGER NOT NULL,
  resolved_at  INTEGER,
  evidence     TEXT NOT NULL          -- JSON of the latest window: measures, n, top bins, direction
) STRICT;
CREATE UNIQUE INDEX alerts_one_open ON alerts (stream, feature, rule) WHERE state = 'firing';

-- Every alert transition, in commit order; id is the stable event id that
-- subscribers (SSE Last-Event-ID, webhooks, Kafka) see.
CREATE TABLE alert_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id   INTEGER NOT NULL REFERENCES alerts(id),
  transition TEXT NOT NULL CHECK (transition IN ('fired', 'escalated', 'deescalated', 'resolved')),
  severity   TEXT NOT NULL,
  at         INTEGER NOT NULL,
  payload    TEXT NOT NULL
) STRICT;

-- The truth about how far each source has been consumed: the next offset to
-- read per Kafka partition. Written in the same transaction as what it covers.
CREATE TABLE source_positions (
  stream      TEXT NOT NULL,
  topic       TEXT NOT NULL,
  partition   INTEGER NOT NULL,
  next_offset INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (stream, topic, partition)
) STRICT;

-- Open windows saved periodically and at shutdown so a restart resumes them.
CREATE TABLE window_checkpoints (
  stream     TEXT PRIMARY KEY,
  state      BLOB NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
