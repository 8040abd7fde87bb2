// The evidence an alert carries (alerts.evidence, and every alert event sent
// to subscribers: docs/api.md): the rule's metric, the value and threshold,
// the samples behind it on both sides, the window, and a `direction`
// sentence that says in words what moved:
//   feature  which side of KL grew (new values, or values that vanished),
//            with the measures and the bins that drive kl_pq;
//   pair     the verdict (pair_verdict.h): "relationship changed" when how
//            Y depends on X moved while both marginals held, with the x
//            bins whose conditionals moved most; the pair's measures and
//            chain rule (joint_json.h) under "pair";
//   group    which part of the Gaussian KL dominates (location: the means,
//            with the features that carry it; shape: spreads or
//            correlations; scale: overall volume); the group's
//            evaluation under "group".
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "pipeline/alert_change.h"
#include "pipeline/stream_references.h"
#include "pipeline/window_evaluator.h"

namespace driftd {

// Which direction of KL moved, in the words of metrics.md (+inf compares as
// the larger; the evidence of a feature's alert and GET /v1/windows/{id}).
std::string kl_direction(double kl_pq, double kl_qp);

// REQUIRES: change made by the stream's rules on `window` (so its subject
// has an evaluation with the rule's metric).
nlohmann::json alert_evidence(const config::StreamConfig& stream,
                              const StreamReferences& references, const WindowEvaluation& window,
                              const AlertChange& change, double threshold);

}  // namespace driftd
