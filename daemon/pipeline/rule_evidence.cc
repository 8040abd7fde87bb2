#include "pipeline/rule_evidence.h"

#include <algorithm>

namespace driftd {
namespace {

using config::Metric;

std::optional<RuleEvidence> feature_evidence(const config::StreamConfig& stream,
                                             const FeatureEvaluation& feature, Metric metric) {
  if (!feature.comparison) return std::nullopt;
  return RuleEvidence{histogram_metric(*feature.comparison, metric),
                      feature.comparison->significance.p_value_calibrated, feature.n,
                      stream.fdr ? std::optional<bool>(feature.fdr_significant) : std::nullopt};
}

std::optional<RuleEvidence> pair_evidence(const PairEvaluation& pair, Metric metric) {
  if (!pair.joint) return std::nullopt;
  switch (metric) {
    case Metric::kl_marginal:
      return RuleEvidence{pair.given_x->marginal, pair.given_x_tests->marginal.p_value, pair.n,
                          std::nullopt};
    case Metric::kl_conditional:
      return RuleEvidence{pair.given_x->conditional, pair.given_x_tests->conditional.p_value,
                          pair.n, std::nullopt};
    default:
      return RuleEvidence{histogram_metric(*pair.joint, metric),
                          pair.joint->significance.p_value_calibrated, pair.n, std::nullopt};
  }
}

std::optional<RuleEvidence> group_evidence(const GroupEvaluation& group, Metric metric) {
  if (!group.gaussian.value) return std::nullopt;
  const GaussianKl& kl = *group.gaussian.value;
  // A test the window cannot give (too few rows for it) proves nothing.
  const double p_t2 = group.t2.value ? group.t2.value->p_value : 1.0;
  const double p_m = group.box_m.value ? group.box_m.value->p_value : 1.0;
  switch (metric) {
    case Metric::gaussian_location: return RuleEvidence{kl.location, p_t2, group.n, std::nullopt};
    case Metric::gaussian_shape: return RuleEvidence{kl.shape, p_m, group.n, std::nullopt};
    case Metric::gaussian_scale: return RuleEvidence{kl.scale, p_m, group.n, std::nullopt};
    default:
      return RuleEvidence{kl.total, std::min(1.0, 2 * std::min(p_t2, p_m)), group.n,
                          std::nullopt};
  }
}

}  // namespace

double histogram_metric(const CountComparison& c, Metric metric) {
  switch (metric) {
    case Metric::kl_pq: return c.measures.kl_pq;
    case Metric::kl_qp: return c.measures.kl_qp;
    case Metric::jsd: return c.measures.jsd;
    case Metric::js_distance: return c.measures.js_distance;
    case Metric::tv: return c.measures.tv;
    case Metric::hellinger: return c.measures.hellinger;
    case Metric::psi: return c.measures.psi;
    case Metric::kl_pq_corrected: return c.significance.kl_pq_corrected;
    case Metric::jsd_corrected: return c.significance.jsd_corrected;
    case Metric::psi_corrected: return c.significance.psi_corrected;
    case Metric::g_statistic: return c.significance.g_statistic;
    default: return c.measures.jsd;  // not a histogram measure: excluded by REQUIRES
  }
}

std::optional<RuleEvidence> rule_evidence(const config::StreamConfig& stream,
                                          const WindowEvaluation& window, std::size_t subject,
                                          Metric metric) {
  const std::size_t features = stream.features.size();
  const std::size_t pairs = stream.pairs.size();
  if (subject < features) return feature_evidence(stream, window.features[subject], metric);
  if (subject < features + pairs) {
    const std::optional<PairEvaluation>& pair = window.pairs[subject - features];
    return pair ? pair_evidence(*pair, metric) : std::nullopt;
  }
  const std::optional<GroupEvaluation>& group = window.groups[subject - features - pairs];
  return group ? group_evidence(*group, metric) : std::nullopt;
}

}  // namespace driftd
