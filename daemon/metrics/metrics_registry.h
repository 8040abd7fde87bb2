// The metrics of a running driftd: each component registers the families
// it declares (metric_family.h) and a collector that writes their samples
// (metrics_writer.h); render() runs every collector and returns the
// Prometheus text format (version 0.0.4) served on /metrics.
//
// A family may be registered by several collectors (one per stream, say):
// it is declared once, and their samples are rendered together. Every
// registered family is rendered with its HELP and TYPE, also when no
// collector wrote a sample.
//
// Thread safety: add() before the first render(); render() may then run on
// any number of threads at once (collectors must allow it).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "metrics/metric_family.h"
#include "metrics/metrics_writer.h"

namespace driftd::metrics {

class MetricsRegistry {
 public:
  using Collector = std::function<void(MetricsWriter&)>;

  // `families` (static objects) are those `collect` writes. Throws
  // std::logic_error when another family of the same name was registered,
  // or a help text holds a backslash or a newline.
  void add(std::span<const MetricFamily* const> families, Collector collect);

  // Every registered family, in registration order.
  const std::vector<const MetricFamily*>& families() const { return families_; }
  std::string render() const;

 private:
  std::vector<const MetricFamily*> families_;
  std::vector<Collector> collectors_;
};

// A Markdown table of `families` (name, type, labels, help), one row each:
// the generated part of docs/prometheus.md.
std::string markdown_table(std::span<const MetricFamily* const> families);

}  // namespace driftd::metrics
