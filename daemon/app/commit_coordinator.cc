#include "app/commit_coordinator.h"

#include <algorithm>

namespace driftd {

CommitCoordinator::CommitCoordinator(std::size_t streams,
                                     std::chrono::milliseconds checkpoint_interval,
                                     TimePoint start)
    : checkpoint_interval_(checkpoint_interval), streams_(streams, StreamState{start, false}) {}

bool CommitCoordinator::checkpoint_due(std::size_t stream, const Work& work,
                                       TimePoint now) const {
  const StreamState& state = streams_[stream];
  return work.final || work.windows_waiting || work.references_captured || work.answers_held ||
         state.checkpoint_owed || now - state.last_checkpoint >= checkpoint_interval_;
}

CommitCoordinator::AnswerFate CommitCoordinator::finished(std::size_t stream, Outcome outcome,
                                                          bool with_checkpoint, TimePoint now) {
  StreamState& state = streams_[stream];
  switch (outcome) {
    case Outcome::kFailed:
      state.checkpoint_owed = true;
      return AnswerFate::kNotDurable;
    case Outcome::kCommitted:
      if (!with_checkpoint) return AnswerFate::kHoldAgain;
      state.checkpoint_owed = false;
      state.last_checkpoint = now;
      return AnswerFate::kDurable;
    case Outcome::kNothingToCommit:
      break;
  }
  return AnswerFate::kHoldAgain;
}

std::size_t CommitCoordinator::streams_behind() const {
  return static_cast<std::size_t>(std::count_if(
      streams_.begin(), streams_.end(), [](const StreamState& s) { return s.checkpoint_owed; }));
}

}  // namespace driftd
