// Evaluation of one closed window of a stream against its reference: every
// measure of metrics.md per feature, the G-test, the bins that drive kl_pq,
// the Gaussian KL of numeric features, and the Benjamini-Hochberg decision
// across the stream's features when the stream configures `fdr`; each
// feature pair's joint table and chain-rule split (pair_evaluator.h) and
// each feature group's Gaussian KL and tests (group_evaluator.h).
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/config.h"
#include "divergence/contributions.h"
#include "divergence/divergence.h"
#include "gaussian/gaussian_kl.h"
#include "pipeline/counter_layout.h"
#include "pipeline/feature_reference.h"
#include "pipeline/group_evaluator.h"
#include "pipeline/pair_evaluator.h"
#include "pipeline/stream_references.h"
#include "window/pane.h"

namespace driftd {

struct LabelledBin {
  std::string label;
  BinContribution contribution;
};

struct FeatureEvaluation {
  // False for a feature without reference: nothing below is counted or
  // compared, and its window is neither stored nor alerted on.
  bool evaluated = true;
  uint64_t n = 0;  // values binned
  uint64_t missing = 0;
  uint64_t invalid = 0;
  std::vector<uint64_t> counts;  // the window's histogram, per bin
  // nullopt when the window holds no value of the feature (nothing to compare).
  std::optional<CountComparison> comparison;
  std::vector<LabelledBin> top_bins;  // largest kl_pq contributions first
  std::optional<GaussianKl> gaussian;  // numeric, both sides with variance
  bool fdr_significant = true;         // false when BH rejects it
};

struct WindowEvaluation {
  Interval bounds;  // [start, end): ms, or sequence numbers for count windows
  uint64_t events = 0;  // accepted events in the window
  std::vector<FeatureEvaluation> features;  // in the stream's feature order
  // In the stream's pair and group order; nullopt for one without reference
  // (neither stored nor alerted on).
  std::vector<std::optional<PairEvaluation>> pairs;
  std::vector<std::optional<GroupEvaluation>> groups;
};

inline constexpr std::size_t kTopBins = 5;

// REQUIRES: references and layout describe the stream's features, pairs and
// groups in order (the layout records exactly those with a reference);
// counts.size() == layout.size().
WindowEvaluation evaluate_window(const config::StreamConfig& stream,
                                 const StreamReferences& references, const CounterLayout& layout,
                                 std::span<const uint64_t> counts, Interval bounds);

}  // namespace driftd
