// Where a collector writes the samples of the families it declared, for
// one scrape. Samples may come in any order: the writer keeps each
// family's together and the registry renders them family by family, in
// declaration order, as the Prometheus text format 0.0.4 wants.
//
// Label values are escaped (\\, \" and \n); numbers are written at the
// shortest precision that reads back exactly, +Inf/-Inf/NaN spelled as
// Prometheus spells them.
//
// Errors (std::logic_error, a bug in the collector): a family this writer
// was not given, a number of label values that is not the family's, a
// sample() of a histogram or a histogram() of another type.
//
// Thread safety: none; one writer per scrape.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/metric_family.h"

namespace driftd::metrics {

class MetricsWriter {
 public:
  // `families`: those samples may be written for (each object outlives the
  // writer; identified by address).
  explicit MetricsWriter(std::vector<const MetricFamily*> families);

  void sample(const MetricFamily& family, std::initializer_list<std::string_view> label_values,
              double value);
  // A histogram's series: buckets[i] the observations <= bounds[i]
  // (cumulative), then +Inf = count.
  void histogram(const MetricFamily& family, std::initializer_list<std::string_view> label_values,
                 std::span<const double> bounds, std::span<const uint64_t> buckets, double sum,
                 uint64_t count);

  const std::vector<const MetricFamily*>& families() const { return families_; }
  // The sample lines of families()[i], each ending in '\n'.
  const std::string& lines(std::size_t i) const { return lines_[i]; }

 private:
  // The index of `family` in families_; throws when it is not there or
  // `label_values` does not match its labels.
  std::size_t index_of(const MetricFamily& family, std::size_t label_values) const;
  static void append_series(std::string& out, std::string_view name, const MetricFamily& family,
                            std::initializer_list<std::string_view> label_values,
                            std::string_view extra_label, std::string_view extra_value);

  std::vector<const MetricFamily*> families_;
  std::vector<std::string> lines_;
};

// `value` as the text format writes it: shortest round-trip decimal, or
// +Inf, -Inf, NaN.
std::string format_sample_value(double value);
// `text` with \, " and newline escaped, as a label value must be.
std::string escape_label_value(std::string_view text);

}  // namespace driftd::metrics
