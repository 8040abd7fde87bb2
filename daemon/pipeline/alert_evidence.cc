#include "pipeline/alert_evidence.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "pipeline/joint_json.h"
#include "pipeline/measure_json.h"
#include "pipeline/pair_verdict.h"

namespace driftd {
namespace {

using Json = nlohmann::json;

Json measures_json(const CountComparison& comparison) {
  nlohmann::ordered_json measures;
  add_measures_json(comparison.measures, &comparison.significance, measures);
  return measures;
}

void add_feature(const FeatureEvaluation& feature, const FeatureReference& reference,
                 Json& evidence) {
  evidence["n"] = feature.n;
  evidence["n_ref"] = reference.n();
  evidence["measures"] = measures_json(*feature.comparison);
  evidence["direction"] =
      kl_direction(feature.comparison->measures.kl_pq, feature.comparison->measures.kl_qp);
  evidence["top_bins"] = top_bins_json(feature.top_bins);
}

// "relationship changed: how amount depends on hour moved ...".
std::string pair_direction(const config::PairConfig& config, const PairEvaluation& pair,
                           const FeatureBins& x_bins) {
  const PairVerdict verdict = pair_verdict(pair);
  std::string moved_rows;
  for (const std::size_t x : pair.top_x) {
    moved_rows += (moved_rows.empty() ? "" : ", ") + x_bins.label(x);
  }
  const std::string rows =
      moved_rows.empty() ? "" : "; most where " + config.x + " is in " + moved_rows;
  switch (verdict) {
    case PairVerdict::kRelationshipChanged:
      return "relationship changed: how " + config.y + " depends on " + config.x +
             " moved while neither feature drifted on its own" + rows;
    case PairVerdict::kMarginalDrift:
      return "marginal drift: " + config.x + " or " + config.y +
             " moved on its own; how " + config.y + " depends on " + config.x + " held";
    case PairVerdict::kBoth:
      return "marginal drift and relationship changed: a feature moved on its own and how " +
             config.y + " depends on " + config.x + " moved too" + rows;
    case PairVerdict::kQuiet: break;
  }
  return "the joint distribution moved, no part of it significantly on its own: " +
         kl_direction(pair.joint->measures.kl_pq, pair.joint->measures.kl_qp);
}

std::string group_direction(const config::GroupConfig& config, const GroupEvaluation& group) {
  const GaussianKl& kl = *group.gaussian.value;
  const double scale = std::abs(kl.scale);
  if (kl.location >= kl.shape && kl.location >= scale) {
    std::string features;
    if (const auto& shares = group.location_by_feature.value) {
      std::vector<std::size_t> order(shares->size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(),
                [&](std::size_t a, std::size_t b) { return (*shares)[a] > (*shares)[b]; });
      for (std::size_t k = 0; k < std::min<std::size_t>(3, order.size()); ++k) {
        features += (k ? ", " : "") + config.features[order[k]];
      }
    }
    return "location: the group's means moved" +
           (features.empty() ? std::string() : " (most: " + features + ")");
  }
  if (kl.shape >= scale) {
    return "shape: the spreads or correlations of the group's features changed";
  }
  return kl.scale > 0 ? "scale: the group's overall volume shrank"
                      : "scale: the group's overall volume grew";
}

}  // namespace

std::string kl_direction(double kl_pq, double kl_qp) {
  if (kl_pq >= kl_qp) {
    return "kl_pq >= kl_qp: the current window puts mass where the reference had little "
           "(new values, values out of the reference range, or a new mode)";
  }
  return "kl_qp > kl_pq: mass the reference had has vanished from the current window "
         "(a value that stopped arriving, or a mode that is gone)";
}

nlohmann::json alert_evidence(const config::StreamConfig& stream,
                              const StreamReferences& references, const WindowEvaluation& window,
                              const AlertChange& change, double threshold) {
  const config::AlertRule& rule = stream.alerts[change.rule];
  Json evidence;
  evidence["metric"] = config::to_string(rule.metric);
  evidence["value"] = std::isinf(change.value) ? Json(nullptr) : Json(change.value);
  evidence["threshold"] = threshold;
  const std::size_t features = stream.features.size();
  const std::size_t pairs = stream.pairs.size();
  if (change.subject < features) {
    add_feature(window.features[change.subject], references.features[change.subject], evidence);
  } else if (change.subject < features + pairs) {
    const std::size_t p = change.subject - features;
    const config::PairConfig& config = stream.pairs[p];
    const PairEvaluation& pair = *window.pairs[p];
    const FeatureBins& x_bins = references.features[config.x_index].bins;
    uint64_t n_ref = 0;
    for (const uint64_t cell : references.pairs[p].cells) n_ref += cell;
    evidence["n"] = pair.n;
    evidence["n_ref"] = n_ref;
    evidence["measures"] = measures_json(*pair.joint);
    evidence["direction"] = pair_direction(config, pair, x_bins);
    evidence["pair"] = pair_json(pair, x_bins.labels());
  } else {
    const std::size_t g = change.subject - features - pairs;
    const config::GroupConfig& config = stream.groups[g];
    const GroupEvaluation& group = *window.groups[g];
    evidence["n"] = group.n;
    evidence["n_ref"] = references.groups[g].moments.count();
    evidence["direction"] = group_direction(config, group);
    evidence["group"] = group_json(group, config.features);
  }
  evidence["window"] = {{"start", window.bounds.start}, {"end", window.bounds.end}};
  return evidence;
}

}  // namespace driftd
