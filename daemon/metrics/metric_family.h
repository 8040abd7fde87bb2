// A Prometheus metric family as a component declares it: name, type, help
// and label names. Components declare their families as constants next to
// the code that writes them, so the registry (metrics_registry.h) can list
// every family driftd exposes (driftd --print-metrics, docs/prometheus.md)
// and refuse a sample of a family nobody declared.
//
// Cardinality rule: label values come from the configuration (stream,
// feature, pair and group names) or from fixed sets (a severity, a stage,
// a status class), never from event data such as a category.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace driftd::metrics {

enum class MetricType { counter, gauge, histogram };

std::string_view to_string(MetricType type);

inline constexpr std::size_t kMaxLabels = 3;

struct MetricFamily {
  std::string_view name;
  MetricType type;
  std::string_view help;
  // The label names, in the order samples give their values; the unused
  // trailing entries empty. A histogram's `le` is implicit.
  std::array<std::string_view, kMaxLabels> labels{};

  std::size_t label_count() const {
    std::size_t count = 0;
    while (count < labels.size() && !labels[count].empty()) ++count;
    return count;
  }
};

}  // namespace driftd::metrics
