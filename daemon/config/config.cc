#include "config/config.h"

#include <algorithm>

namespace driftd::config {
namespace {

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<EnumName<Enum>, N>& names, Enum value) {
  for (const EnumName<Enum>& entry : names) {
    if (entry.value == value) return entry.name;
  }
  return "?";  // not reached: every enumerator has a name
}

}  // namespace

std::string_view to_string(SyncMode value) { return name_of(kSyncModeNames, value); }
std::string_view to_string(SourceType value) { return name_of(kSourceTypeNames, value); }
std::string_view to_string(TimeUnit value) { return name_of(kTimeUnitNames, value); }
std::string_view to_string(WindowType value) { return name_of(kWindowTypeNames, value); }
std::string_view to_string(ReferenceType value) { return name_of(kReferenceTypeNames, value); }
std::string_view to_string(FeatureType value) { return name_of(kFeatureTypeNames, value); }
std::string_view to_string(Binning value) { return name_of(kBinningNames, value); }
std::string_view to_string(GroupType value) { return name_of(kGroupTypeNames, value); }
std::string_view to_string(Metric value) { return name_of(kMetricNames, value); }
std::string_view to_string(SubjectKind value) {
  switch (value) {
    case SubjectKind::feature: return "feature";
    case SubjectKind::pair: return "pair";
    case SubjectKind::group: return "group";
  }
  return "?";
}

SubjectKind default_subjects(Metric metric) {
  switch (metric) {
    case Metric::kl_marginal:
    case Metric::kl_conditional: return SubjectKind::pair;
    case Metric::gaussian_kl:
    case Metric::gaussian_location:
    case Metric::gaussian_shape:
    case Metric::gaussian_scale: return SubjectKind::group;
    default: return SubjectKind::feature;
  }
}

bool measured_on(Metric metric, SubjectKind kind) {
  const SubjectKind natural = default_subjects(metric);
  // A pair's joint table is a histogram: it has every histogram measure.
  return natural == kind || (natural == SubjectKind::feature && kind == SubjectKind::pair);
}

std::size_t subject_count(const StreamConfig& stream) {
  return stream.features.size() + stream.pairs.size() + stream.groups.size();
}

SubjectKind subject_kind(const StreamConfig& stream, std::size_t subject) {
  if (subject < stream.features.size()) return SubjectKind::feature;
  if (subject < stream.features.size() + stream.pairs.size()) return SubjectKind::pair;
  return SubjectKind::group;
}

const std::string& subject_name(const StreamConfig& stream, std::size_t subject) {
  if (subject < stream.features.size()) return stream.features[subject].name;
  subject -= stream.features.size();
  if (subject < stream.pairs.size()) return stream.pairs[subject].name;
  return stream.groups[subject - stream.pairs.size()].name;
}

std::optional<std::size_t> find_subject(const StreamConfig& stream, std::string_view name) {
  for (std::size_t s = 0; s < subject_count(stream); ++s) {
    if (subject_name(stream, s) == name) return s;
  }
  return std::nullopt;
}

bool watches(const AlertRule& rule, const StreamConfig& stream, std::size_t subject) {
  if (rule.features.empty()) return default_subjects(rule.metric) == subject_kind(stream, subject);
  return std::find(rule.features.begin(), rule.features.end(), subject_name(stream, subject)) !=
         rule.features.end();
}

std::uint64_t max_bin_count(const FeatureConfig& feature) {
  if (feature.type == FeatureType::categorical) {
    return std::uint64_t{feature.max_categories} + 1;
  }
  if (feature.binning == Binning::edges) return feature.edges.size() + 1;
  return feature.bins;
}

std::vector<AlertRule> default_alert_rules() {
  AlertRule rule;
  rule.metric = Metric::jsd_corrected;
  rule.warn = 0.003;
  rule.critical = 0.05;
  rule.min_samples = 100;
  rule.max_p_value = 0.0002;
  rule.resolve_below = 0.0015;
  rule.resolve_p_value = 0.01;
  rule.resolve_after = 2;
  std::vector<AlertRule> rules{rule};
  for (const Metric joint : {Metric::kl_conditional, Metric::gaussian_kl}) {
    rule.metric = joint;
    rule.warn = 0.01;
    rule.critical = 0.1;
    rule.resolve_below = 0.005;
    rules.push_back(rule);
  }
  return rules;
}

}  // namespace driftd::config
