#include "alerts/alert_filter.h"

#include <algorithm>
#include <array>
#include <span>

#include "common/error.h"

namespace driftd::alerts {
namespace {

void add_values(std::set<std::string, std::less<>>& set, std::string_view name,
                std::string_view values, std::span<const std::string_view> allowed) {
  for (std::size_t start = 0;;) {
    const std::size_t comma = values.find(',', start);
    const std::string_view value = values.substr(start, comma - start);
    if (value.empty()) {
      throw InputError("query parameter '" + std::string(name) + "': empty value");
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      std::string list;
      for (const std::string_view option : allowed) list += (list.empty() ? "" : ", ") + std::string(option);
      throw InputError("query parameter '" + std::string(name) + "': '" + std::string(value) +
                       "' is not one of " + list);
    }
    set.emplace(value);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

bool accepts(const std::set<std::string, std::less<>>& set, std::string_view value) {
  return set.empty() || set.contains(value);
}

}  // namespace

AlertFilter AlertFilter::parse(
    const std::vector<std::pair<std::string, std::string>>& parameters) {
  static constexpr std::array<std::string_view, 2> kSeverities{"warn", "critical"};
  static constexpr std::array<std::string_view, 2> kStates{"firing", "resolved"};
  AlertFilter filter;
  for (const auto& [name, value] : parameters) {
    if (name == "stream") add_values(filter.streams_, name, value, {});
    if (name == "feature") add_values(filter.features_, name, value, {});
    if (name == "severity") add_values(filter.severities_, name, value, kSeverities);
    if (name == "state") add_values(filter.states_, name, value, kStates);
  }
  return filter;
}

bool AlertFilter::matches(const store::AlertEvent& event) const {
  const std::string_view state = event.transition == "resolved" ? "resolved" : "firing";
  return accepts(streams_, event.stream) && accepts(features_, event.feature) &&
         accepts(severities_, event.severity) && accepts(states_, state);
}

}  // namespace driftd::alerts
