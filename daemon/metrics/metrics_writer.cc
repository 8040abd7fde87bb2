#include "metrics/metrics_writer.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace driftd::metrics {

std::string_view to_string(MetricType type) {
  switch (type) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

std::string format_sample_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string escape_label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

MetricsWriter::MetricsWriter(std::vector<const MetricFamily*> families)
    : families_(std::move(families)), lines_(families_.size()) {}

std::size_t MetricsWriter::index_of(const MetricFamily& family, std::size_t label_values) const {
  for (std::size_t i = 0; i < families_.size(); ++i) {
    if (families_[i] != &family) continue;
    if (label_values != family.label_count()) {
      throw std::logic_error("metric " + std::string(family.name) + ": " +
                             std::to_string(label_values) + " label values for " +
                             std::to_string(family.label_count()) + " labels");
    }
    return i;
  }
  throw std::logic_error("metric " + std::string(family.name) + " was not registered");
}

void MetricsWriter::append_series(std::string& out, std::string_view name,
                                  const MetricFamily& family,
                                  std::initializer_list<std::string_view> label_values,
                                  std::string_view extra_label, std::string_view extra_value) {
  out += name;
  if (label_values.size() == 0 && extra_label.empty()) return;
  out += '{';
  std::size_t i = 0;
  for (const std::string_view value : label_values) {
    if (i > 0) out += ',';
    out += family.labels[i++];
    out += "=\"";
    out += escape_label_value(value);
    out += '"';
  }
  if (!extra_label.empty()) {
    if (i > 0) out += ',';
    out += extra_label;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void MetricsWriter::sample(const MetricFamily& family,
                           std::initializer_list<std::string_view> label_values, double value) {
  if (family.type == MetricType::histogram) {
    throw std::logic_error("metric " + std::string(family.name) + " is a histogram");
  }
  std::string& out = lines_[index_of(family, label_values.size())];
  append_series(out, family.name, family, label_values, {}, {});
  out += ' ';
  out += format_sample_value(value);
  out += '\n';
}

void MetricsWriter::histogram(const MetricFamily& family,
                              std::initializer_list<std::string_view> label_values,
                              std::span<const double> bounds, std::span<const uint64_t> buckets,
                              double sum, uint64_t count) {
  if (family.type != MetricType::histogram || bounds.size() != buckets.size()) {
    throw std::logic_error("metric " + std::string(family.name) +
                           ": a histogram with one bucket per bound");
  }
  std::string& out = lines_[index_of(family, label_values.size())];
  const std::string bucket = std::string(family.name) + "_bucket";
  for (std::size_t b = 0; b <= bounds.size(); ++b) {
    const std::string le = b < bounds.size() ? format_sample_value(bounds[b]) : "+Inf";
    append_series(out, bucket, family, label_values, "le", le);
    out += ' ';
    out += std::to_string(b < bounds.size() ? buckets[b] : count);
    out += '\n';
  }
  append_series(out, std::string(family.name) + "_sum", family, label_values, {}, {});
  out += ' ' + format_sample_value(sum) + '\n';
  append_series(out, std::string(family.name) + "_count", family, label_values, {}, {});
  out += ' ' + std::to_string(count) + '\n';
}

}  // namespace driftd::metrics
