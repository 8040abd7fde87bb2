#include "metrics/metrics_registry.h"

#include <algorithm>
#include <stdexcept>

namespace driftd::metrics {

void MetricsRegistry::add(std::span<const MetricFamily* const> families, Collector collect) {
  for (const MetricFamily* declared : families) {
    const MetricFamily& family = *declared;
    if (family.help.find_first_of("\\\n") != std::string_view::npos) {
      throw std::logic_error("metric " + std::string(family.name) + ": help with \\ or a newline");
    }
    const auto same_name = std::find_if(families_.begin(), families_.end(), [&](const auto* known) {
      return known->name == family.name;
    });
    if (same_name == families_.end()) {
      families_.push_back(&family);
    } else if (*same_name != &family) {
      throw std::logic_error("metric " + std::string(family.name) + " is declared twice");
    }
  }
  collectors_.push_back(std::move(collect));
}

std::string MetricsRegistry::render() const {
  MetricsWriter writer(families_);
  for (const Collector& collect : collectors_) collect(writer);
  std::string out;
  for (std::size_t i = 0; i < families_.size(); ++i) {
    const MetricFamily& family = *families_[i];
    out += "# HELP ";
    out += family.name;
    out += ' ';
    out += family.help;  // help texts are ours: no backslash or newline
    out += "\n# TYPE ";
    out += family.name;
    out += ' ';
    out += to_string(family.type);
    out += '\n';
    out += writer.lines(i);
  }
  return out;
}

std::string markdown_table(std::span<const MetricFamily* const> families) {
  std::string out = "| metric | type | labels | help |\n|---|---|---|---|\n";
  for (const MetricFamily* family : families) {
    std::string labels;
    for (std::size_t l = 0; l < family->label_count(); ++l) {
      labels += (l > 0 ? ", `" : "`") + std::string(family->labels[l]) + "`";
    }
    if (family->type == MetricType::histogram) labels += labels.empty() ? "`le`" : ", `le`";
    out += "| `" + std::string(family->name) + "` | " + std::string(to_string(family->type)) +
           " | " + labels + " | " + std::string(family->help) + " |\n";
  }
  return out;
}

}  // namespace driftd::metrics
