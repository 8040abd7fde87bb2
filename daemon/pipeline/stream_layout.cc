#include "pipeline/stream_layout.h"

#include <vector>

namespace driftd {

namespace {

WindowSpec window_spec_in(const config::StreamConfig& stream, TimeDomain domain) {
  switch (stream.window.type) {
    case config::WindowType::tumbling:
      return WindowSpec::tumbling(stream.window.size, domain, stream.window.allowed_lateness);
    case config::WindowType::sliding:
      return WindowSpec::sliding(stream.window.size, stream.window.slide, domain,
                                 stream.window.allowed_lateness);
    case config::WindowType::count: break;
  }
  return WindowSpec::count(static_cast<int64_t>(stream.window.events));
}

}  // namespace

WindowSpec window_spec(const config::StreamConfig& stream) {
  return window_spec_in(stream,
                        stream.event_time ? TimeDomain::event_time : TimeDomain::processing_time);
}

WindowSpec window_spec_by_row_time(const config::StreamConfig& stream) {
  return window_spec_in(stream, TimeDomain::event_time);
}

CounterLayout counter_layout(const config::StreamConfig& stream,
                             const StreamReferences& references) {
  std::vector<CounterLayout::FeatureShape> features;
  for (std::size_t f = 0; f < references.features.size(); ++f) {
    const FeatureReference& reference = references.features[f];
    if (!reference.present()) {
      features.push_back({0, false});  // not recorded: its missing and invalid stay 0
      continue;
    }
    features.push_back(
        {reference.bins.bin_count(), stream.features[f].gaussian && reference.bins.is_numeric()});
  }
  std::vector<CounterLayout::PairShape> pairs;
  for (std::size_t p = 0; p < stream.pairs.size(); ++p) {
    pairs.push_back(
        {stream.pairs[p].x_index, stream.pairs[p].y_index, references.pairs[p].present()});
  }
  std::vector<CounterLayout::GroupShape> groups;
  for (std::size_t g = 0; g < stream.groups.size(); ++g) {
    groups.push_back({stream.groups[g].feature_indices, references.groups[g].present()});
  }
  return CounterLayout(features, pairs, groups);
}

}  // namespace driftd
