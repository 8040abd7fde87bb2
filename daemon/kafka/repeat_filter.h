// Which of the Kafka client's log lines to print: each distinct line at
// once, and the same line again only once kQuiet has passed since it was
// last printed. librdkafka repeats an error at every retry, and reports
// many events both to its log and to its error callback; after rewording
// (client_message.h) those repeats are the same line, so an outage is a few
// lines, not a flood, while a new event is never held back.
//
// Memory: the lines printed in the last kQuiet, at most kRemembered (past
// that the oldest is forgotten, and may be printed again early).
//
// Thread safety: none; the owner serialises calls.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

#include "common/clock.h"

namespace driftd::kafka {

class RepeatFilter {
 public:
  static constexpr std::chrono::seconds kQuiet{30};
  static constexpr std::size_t kRemembered = 64;

  // `clock` must outlive this object.
  explicit RepeatFilter(const Clock& clock) : clock_(clock) {}

  // Whether to print `line` now (and, if so, it counts as printed now).
  bool admit(const std::string& line);

 private:
  const Clock& clock_;
  std::map<std::string, Clock::SteadyTime> printed_;  // line -> when last printed
};

}  // namespace driftd::kafka
