-- The calibrated significance and the bias-corrected effect sizes of every
-- window (docs/metrics.md, "Significance"): the pooled, Williams-corrected
-- G-test, the rank test of numeric features, and jsd / psi minus their
-- expectation under no drift. Windows stored before this migration have NULL
-- here.
ALTER TABLE window_metrics ADD COLUMN dof_pooled INTEGER;
ALTER TABLE window_metrics ADD COLUMN p_value_calibrated REAL;
ALTER TABLE window_metrics ADD COLUMN p_value_rank REAL;
ALTER TABLE window_metrics ADD COLUMN jsd_corrected REAL;
ALTER TABLE window_metrics ADD COLUMN psi_corrected REAL;
