-- Feature pairs and groups (docs/metrics.md, "Continuous and joint views"):
-- their references, one row per pair or group per window, hourly and daily
-- buckets of those rows, and a view of them. A pair or group is named in the
-- same namespace as the stream's features: alerts on it are rows of
-- `alerts` with its name in `feature`.

-- One row per (stream, pair or group, version); active = 1 marks the one in
-- use. A pair's cells are counted over its features' reference bins, so its
-- reference names the two feature references it was built with (`basis`):
-- once either is no longer active the pair has no reference.
CREATE TABLE joint_references (
  id          INTEGER PRIMARY KEY,
  stream      TEXT NOT NULL REFERENCES streams(name),
  name        TEXT NOT NULL,          -- the pair's or group's name
  kind        TEXT NOT NULL CHECK (kind IN ('pair', 'group')),
  version     INTEGER NOT NULL,
  origin      TEXT NOT NULL,          -- 'capture', 'file:<path>', 'import:<path>'
  features    TEXT NOT NULL,          -- JSON array: [x, y], or the group's features in order
  basis       TEXT NOT NULL,          -- JSON array: a pair's [x reference id, y reference id]; a group's []
  body        TEXT NOT NULL,          -- JSON, docs/schema.md: a pair's cells, a group's moments
  n           INTEGER NOT NULL,       -- pair: events with both values; group: complete rows
  active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
  created_at  INTEGER NOT NULL,
  UNIQUE (stream, name, version)
) STRICT;
CREATE UNIQUE INDEX joint_reference_active ON joint_references (stream, name) WHERE active = 1;

-- One row per (stream, pair or group, window). Divergences in nats; an
-- infinite one is NULL and its key is listed in `infinite`.
CREATE TABLE joint_window_metrics (
  id           INTEGER PRIMARY KEY,
  stream       TEXT NOT NULL,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('pair', 'group')),
  window_start INTEGER NOT NULL,
  window_end   INTEGER NOT NULL,
  reference_id INTEGER NOT NULL REFERENCES joint_references(id),
  n            INTEGER NOT NULL,      -- pair: events with both values; group: complete rows
  incomplete   INTEGER NOT NULL,      -- the window's other events (a value missing or invalid)
  late         INTEGER NOT NULL,      -- events for this stream that arrived after their window closed
  -- Pairs: the joint table's measures and G-test, the chain rule in both orders.
  kl_joint REAL, jsd REAL, hellinger REAL, tv REAL, psi REAL, jsd_corrected REAL,
  dof_pooled INTEGER, p_value_calibrated REAL,
  kl_marginal_x REAL, kl_conditional_y_given_x REAL, kl_marginal_y REAL, kl_conditional_x_given_y REAL,
  p_value_marginal REAL, p_value_conditional REAL,
  -- Groups: the Gaussian KL and its parts, Hotelling's T^2 and Box's M.
  gaussian_kl REAL, gaussian_location REAL, gaussian_shape REAL, gaussian_scale REAL,
  t2 REAL, t2_p_value REAL, box_m REAL, box_m_p_value REAL,
  verdict      TEXT,                  -- pairs: 'relationship changed', 'marginal drift', 'both', or NULL
  infinite     TEXT NOT NULL DEFAULT '[]',
  detail       TEXT NOT NULL,         -- JSON (docs/api.md, "Pairs and groups"): cells, top x bins, per-feature location, reasons
  closed_at    INTEGER NOT NULL,
  UNIQUE (stream, name, window_start)
) STRICT;
CREATE INDEX joint_window_metrics_time ON joint_window_metrics (stream, name, window_end);

-- Rows older than storage.retention folded into hourly buckets, hourly ones
-- older than storage.hourly_retention into daily ones (as window_rollups).
CREATE TABLE joint_window_rollups (
  stream        TEXT NOT NULL,
  name          TEXT NOT NULL,
  kind          TEXT NOT NULL,
  resolution    TEXT NOT NULL CHECK (resolution IN ('hour', 'day')),
  bucket_start  INTEGER NOT NULL,
  windows       INTEGER NOT NULL,
  n             INTEGER NOT NULL,
  incomplete    INTEGER NOT NULL,
  late          INTEGER NOT NULL,
  measured      INTEGER NOT NULL,     -- windows with the headline measure (the sums' count)
  headline_sum  REAL NOT NULL,        -- pair: kl_conditional_y_given_x; group: gaussian_kl
  headline_max  REAL,
  p_value_min   REAL,                 -- pair: p_value_conditional; group: min(t2, box_m) p-value
  PRIMARY KEY (stream, name, resolution, bucket_start)
) STRICT;

-- Pairs and groups window by window, then by hour and day: the measure that
-- says most about each (a pair: how Y's dependence on X moved; a group: its
-- Gaussian KL) and its p-value.
CREATE VIEW v_joint_series AS
SELECT stream, name, kind, 'window' AS resolution, window_start AS start, window_end AS "end",
       closed_at, 1 AS windows, n, incomplete, late,
       CASE kind WHEN 'pair' THEN kl_conditional_y_given_x ELSE gaussian_kl END AS headline,
       CASE kind WHEN 'pair' THEN p_value_conditional ELSE min(t2_p_value, box_m_p_value) END
         AS p_value,
       verdict
FROM joint_window_metrics
UNION ALL
SELECT stream, name, kind, resolution, bucket_start,
       bucket_start + CASE resolution WHEN 'hour' THEN 3600000 ELSE 86400000 END,
       NULL, windows, n, incomplete, late, headline_sum / nullif(measured, 0), p_value_min, NULL
FROM joint_window_rollups;
