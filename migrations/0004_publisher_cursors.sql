-- How far each outside publisher of alert events has got: the newest alert
-- event id it has delivered (every event up to it was acknowledged). A
-- restart resumes after it, so publishing is at least once.
CREATE TABLE publisher_cursors (
  name              TEXT PRIMARY KEY,  -- 'kafka:<topic>'
  delivered_through INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
) STRICT;
