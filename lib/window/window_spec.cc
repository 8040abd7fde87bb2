#include "window/window_spec.h"

#include <string>

#include "common/error.h"
#include "window/pane.h"
#include "window/window_limits.h"

namespace driftd {
namespace {

std::string ms(std::chrono::milliseconds duration) {
  return std::to_string(duration.count()) + " ms";
}

void require_duration(const char* what, std::chrono::milliseconds duration) {
  if (duration.count() <= 0) {
    throw InputError(std::string(what) + " must be positive (got " + ms(duration) + ")");
  }
  if (duration.count() > kMaxTimestampMs) {
    throw InputError(std::string(what) + " " + ms(duration) + " exceeds the limit of " +
                     ms(std::chrono::milliseconds{kMaxTimestampMs}));
  }
}

void require_lateness(TimeDomain domain, std::chrono::milliseconds allowed_lateness) {
  if (allowed_lateness.count() < 0) {
    throw InputError("allowed lateness must not be negative (got " + ms(allowed_lateness) + ")");
  }
  if (allowed_lateness.count() > kMaxTimestampMs) {
    throw InputError("allowed lateness " + ms(allowed_lateness) + " exceeds the limit of " +
                     ms(std::chrono::milliseconds{kMaxTimestampMs}));
  }
  if (domain == TimeDomain::processing_time && allowed_lateness.count() != 0) {
    throw InputError("allowed lateness applies to event-time windows only (got " +
                     ms(allowed_lateness) + " for a processing-time window)");
  }
}

}  // namespace

WindowSpec::WindowSpec(WindowKind kind, TimeDomain domain, std::chrono::milliseconds size,
                       std::chrono::milliseconds slide, std::chrono::milliseconds allowed_lateness,
                       std::int64_t events_per_window)
    : kind_(kind),
      domain_(domain),
      size_(size),
      slide_(slide),
      allowed_lateness_(allowed_lateness),
      events_per_window_(events_per_window) {}

WindowSpec WindowSpec::tumbling(std::chrono::milliseconds size, TimeDomain domain,
                                std::chrono::milliseconds allowed_lateness) {
  require_duration("window size", size);
  require_lateness(domain, allowed_lateness);
  return WindowSpec(WindowKind::tumbling, domain, size, size, allowed_lateness, 0);
}

WindowSpec WindowSpec::sliding(std::chrono::milliseconds size, std::chrono::milliseconds slide,
                               TimeDomain domain, std::chrono::milliseconds allowed_lateness) {
  require_duration("window size", size);
  require_duration("window slide", slide);
  if (size.count() % slide.count() != 0) {
    throw InputError("window size " + ms(size) + " is not a multiple of the slide " + ms(slide));
  }
  if (size.count() / slide.count() > kMaxPanesPerWindow) {
    throw InputError("window size " + ms(size) + " spans more than " +
                     std::to_string(kMaxPanesPerWindow) + " slides of " + ms(slide));
  }
  require_lateness(domain, allowed_lateness);
  return WindowSpec(WindowKind::sliding, domain, size, slide, allowed_lateness, 0);
}

WindowSpec WindowSpec::count(std::int64_t events_per_window) {
  if (events_per_window <= 0) {
    throw InputError("a count window must hold at least one event (got " +
                     std::to_string(events_per_window) + ")");
  }
  if (events_per_window > kMaxEventsPerWindow) {
    throw InputError("a count window of " + std::to_string(events_per_window) +
                     " events exceeds the limit of " + std::to_string(kMaxEventsPerWindow));
  }
  return WindowSpec(WindowKind::count, TimeDomain::processing_time, {}, {}, {},
                    events_per_window);
}

std::int64_t WindowSpec::panes_per_window() const {
  return is_time_window() ? size_.count() / slide_.count() : 1;
}

}  // namespace driftd
