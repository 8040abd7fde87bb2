// The sequential evidence of an alert rule with `sequential`: a one-sided
// CUSUM of per-window z-scores (Page 1954), so that a drift too small to
// show in one window shows in a few, with a false-alarm rate the user sets as
// an average run length ("at most one false alarm per 1,000 windows").
//
// Each counted window gives z = Phi^-1(1 - p) from its calibrated p-value
// (docs/metrics.md): N(0, 1) under no drift when p is uniform, and smaller
// when p is conservative (the Bonferroni form of numeric features), which
// only lengthens the run between false alarms. The statistic
// S_t = max(0, S_t-1 + z_t - k) signals at S_t >= h. k is the reference
// value (0.5: tuned to a shift of the mean of z by 1); h is chosen for the
// in-control average run length ARL0 by Siegmund's (1985) approximation for
// normal increments: ARL0 = (exp(2 k b) - 2 k b - 1) / (2 k^2), b = h + 1.166
// (within a few percent of the exact run length for h >= 2; the detection
// benchmark measures the rule's own, docs/detection.md).
//
// The rule asks for kRunLengthMargin times the user's ARL. Every window is
// compared with the same reference, whose own sampling error moves the mean
// of z under no drift a little above 0 (measured: up to +0.05 for 50
// categories at 200 events per window against 10,000), and a CUSUM sums that
// bias: a shift d shortens the run by about exp(-2 d (h + 1.166)), a factor
// of ~0.6 at d = 0.05. Twice the run length keeps the promise through such a
// shift at the price of about 0.7 / k of threshold (one window more to
// detect a drift at most).
//
// Thread safety: pure functions.
#pragma once

namespace driftd {

inline constexpr double kRunLengthMargin = 2.0;

// z of a p-value, clamped to [-8, 8] (p = 1 gives -8: no evidence at all).
double evidence_z(double p_value);

// Siegmund's ARL0 of a CUSUM with reference value k and threshold h.
double cusum_average_run_length(double k, double h);

// The threshold h whose ARL0 is `arl`, by bisection (to 1e-9).
// REQUIRES: arl >= 1, k > 0.
double cusum_threshold(double arl, double k);

}  // namespace driftd
