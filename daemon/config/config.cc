#include "config/config.h"

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
  return {rule};
}

}  // namespace driftd::config
