#include "kafka/repeat_filter.h"

#include <algorithm>

namespace driftd::kafka {

bool RepeatFilter::admit(const std::string& line) {
  const Clock::SteadyTime now = clock_.steady();
  std::erase_if(printed_, [&](const auto& entry) { return now - entry.second >= kQuiet; });
  if (printed_.contains(line)) return false;
  if (printed_.size() >= kRemembered) {
    printed_.erase(std::min_element(printed_.begin(), printed_.end(), [](const auto& a,
                                                                         const auto& b) {
      return a.second < b.second;
    }));
  }
  printed_.emplace(line, now);
  return true;
}

}  // namespace driftd::kafka
