-- Hourly and daily buckets keep the sample-size-aware values of 0005 too:
-- over the bucket's windows that have them (windows stored before 0005 have
-- none), their count, the sum and largest jsd_corrected, and the smallest
-- calibrated p-value. v_metric_series shows both at every resolution.
ALTER TABLE window_rollups ADD COLUMN corrected_measured INTEGER NOT NULL DEFAULT 0;
ALTER TABLE window_rollups ADD COLUMN jsd_corrected_sum REAL NOT NULL DEFAULT 0;
ALTER TABLE window_rollups ADD COLUMN jsd_corrected_max REAL;
ALTER TABLE window_rollups ADD COLUMN p_value_calibrated_min REAL;

DROP VIEW v_metric_series;
-- One measure series across resolutions: full window rows, then hourly and
-- daily buckets (means over the bucket's windows) for older history.
CREATE VIEW v_metric_series AS
SELECT stream, feature, 'window' AS resolution, window_start AS start, window_end AS "end",
       closed_at, 1 AS windows, n, missing, invalid, late,
       kl_pq, jsd, psi, hellinger, tv, p_value, jsd_corrected, p_value_calibrated
FROM window_metrics
UNION ALL
SELECT stream, feature, resolution, bucket_start,
       bucket_start + CASE resolution WHEN 'hour' THEN 3600000 ELSE 86400000 END,
       NULL, windows, n, missing, invalid, late,
       kl_pq_sum / nullif(measured, 0), jsd_sum / nullif(measured, 0),
       psi_sum / nullif(measured, 0), hellinger_sum / nullif(measured, 0),
       tv_sum / nullif(measured, 0), p_value_min,
       jsd_corrected_sum / nullif(corrected_measured, 0), p_value_calibrated_min
FROM window_rollups;
