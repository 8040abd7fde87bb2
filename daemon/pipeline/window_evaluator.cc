#include "pipeline/window_evaluator.h"

#include "common/error.h"
#include "divergence/false_discovery.h"
#include "pipeline/group_moments.h"

namespace driftd {
namespace {

std::optional<GaussianKl> gaussian_of(const FeatureReference& reference, const FeatureSlots& slots,
                                      std::span<const uint64_t> counts, uint64_t n) {
  if (!slots.has_moments || !reference.moments || n < 2) return std::nullopt;
  const MomentSums sums{counts[slots.moments()], counts[slots.moments() + 1]};
  const MeanVariance window = moments_from_sums(sums, n, reference.standardisation());
  try {
    return gaussian_kl(GaussianView{std::span(&window.mean, 1), std::span(&window.variance, 1)},
                       GaussianView{std::span(&reference.moments->mean, 1),
                                    std::span(&reference.moments->variance, 1)});
  } catch (const InputError&) {
    return std::nullopt;  // a constant window or reference: no Gaussian to compare
  }
}

// The pairs' and groups' evaluations, from their cells and sums.
void evaluate_joint(const config::StreamConfig& stream, const StreamReferences& references,
                    const CounterLayout& layout, std::span<const uint64_t> counts,
                    WindowEvaluation& out) {
  for (std::size_t p = 0; p < layout.pairs().size(); ++p) {
    const PairSlots& slots = layout.pairs()[p];
    std::optional<PairEvaluation>& pair = out.pairs.emplace_back();
    if (slots.cells() == 0) continue;  // no reference
    pair = evaluate_pair(counts.subspan(slots.first, slots.cells()), counts[slots.incomplete()],
                         references.pairs[p].cells, slots.x_bins, slots.y_bins,
                         stream.smoothing_alpha);
  }
  for (std::size_t g = 0; g < layout.groups().size(); ++g) {
    const GroupSlots& slots = layout.groups()[g];
    std::optional<GroupEvaluation>& group = out.groups.emplace_back();
    if (slots.features.empty()) continue;  // no reference
    const GroupReference& reference = references.groups[g];
    const MomentAccumulator window = group_moments_from_sums(
        counts.subspan(slots.first, group_sum_words(slots.features.size())), reference.standards);
    group = evaluate_group(window, reference.moments, stream.groups[g].ridge);
  }
}

}  // namespace

WindowEvaluation evaluate_window(const config::StreamConfig& stream,
                                 const StreamReferences& stream_references,
                                 const CounterLayout& layout, std::span<const uint64_t> counts,
                                 Interval bounds) {
  const std::vector<FeatureReference>& references = stream_references.features;
  WindowEvaluation out;
  out.bounds = bounds;
  out.events = counts[CounterLayout::kEvents];
  out.features.resize(layout.feature_count());

  std::vector<FeatureCounts> compared;
  std::vector<std::size_t> compared_index;
  for (std::size_t f = 0; f < layout.feature_count(); ++f) {
    const FeatureSlots& slots = layout.feature(f);
    FeatureEvaluation& feature = out.features[f];
    if (!references[f].present()) {
      feature.evaluated = false;
      continue;
    }
    feature.counts.assign(counts.begin() + static_cast<std::ptrdiff_t>(slots.first),
                          counts.begin() + static_cast<std::ptrdiff_t>(slots.first + slots.bins));
    for (uint64_t count : feature.counts) feature.n += count;
    feature.missing = counts[slots.missing()];
    feature.invalid = counts[slots.invalid()];
    if (feature.n > 0) {
      compared.push_back({feature.counts, references[f].counts,
                          references[f].bins.is_numeric() ? BinOrder::kOrdered
                                                          : BinOrder::kUnordered});
      compared_index.push_back(f);
    }
  }

  std::vector<CountComparison> results(compared.size());
  compare_counts_batch(compared, stream.smoothing_alpha, results);
  std::vector<double> p_values;
  for (std::size_t i = 0; i < compared.size(); ++i) {
    const std::size_t f = compared_index[i];
    FeatureEvaluation& feature = out.features[f];
    const FeatureReference& reference = references[f];
    feature.comparison = results[i];
    p_values.push_back(results[i].significance.p_value_calibrated);
    const auto p = smoothed_probabilities(feature.counts, stream.smoothing_alpha);
    const auto q = smoothed_probabilities(reference.counts, stream.smoothing_alpha);
    for (const BinContribution& bin : top_kl_contributions(p, q, kTopBins)) {
      feature.top_bins.push_back({reference.bins.label(bin.bin), bin});
    }
    feature.gaussian = gaussian_of(reference, layout.feature(f), counts, feature.n);
  }
  if (stream.fdr) {
    const std::vector<bool> significant = benjamini_hochberg(p_values, *stream.fdr);
    for (std::size_t i = 0; i < compared.size(); ++i) {
      out.features[compared_index[i]].fdr_significant = significant[i];
    }
  }
  evaluate_joint(stream, stream_references, layout, counts, out);
  return out;
}

}  // namespace driftd
