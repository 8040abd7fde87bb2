// What one closed window says to an alert rule about one subject of the
// stream (config.h: a feature, a pair or a group): the value of the rule's
// metric, the p-value that tells whether it is more than sampling noise, and
// the samples behind it.
//
//   feature  a histogram measure; p = the calibrated G-test
//            (p_value_calibrated); samples = values binned.
//   pair     a histogram measure of the joint table, p = its calibrated
//            G-test; kl_marginal (X's drift), p = the calibrated G-test of
//            X's marginal; kl_conditional (how Y's dependence on X moved),
//            p = the stratified test of Y given X (lib/joint/
//            conditional_g_test.h). samples = events in a cell.
//   group    gaussian_location, p = Hotelling's T^2; gaussian_shape and
//            gaussian_scale, p = Box's M; gaussian_kl, p = the smaller of
//            the two, Bonferroni-corrected (2 min(p_T2, p_M), at most 1).
//            samples = complete rows.
// nullopt when the window gives none: a subject without reference, a window
// without values, a group whose covariance the window cannot give (too few
// rows, singular: the reason is in the window's row).
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstddef>
#include <optional>

#include "config/config.h"
#include "divergence/divergence.h"
#include "pipeline/alert_rule.h"
#include "pipeline/window_evaluator.h"

namespace driftd {

// The value of a histogram measure (a metric measured on features).
// REQUIRES: config::default_subjects(metric) == SubjectKind::feature.
double histogram_metric(const CountComparison& comparison, config::Metric metric);

// REQUIRES: subject < subject_count(stream), config::measured_on(metric, its
// kind), window evaluated for that stream.
std::optional<RuleEvidence> rule_evidence(const config::StreamConfig& stream,
                                          const WindowEvaluation& window, std::size_t subject,
                                          config::Metric metric);

}  // namespace driftd
