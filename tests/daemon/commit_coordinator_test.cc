// CommitCoordinator, with times the test chooses: checkpoints fall due by
// interval and by work; a failed commit owes a checkpoint until one is
// committed, whatever the clock says (the clock starts where a host booted
// a second ago sits, the case that used to lose the owed checkpoint); a
// stream is behind exactly while one is owed; held answers are durable,
// not durable or held again as the commit ended.
#include <chrono>

#include <catch2/catch.hpp>

#include "app/commit_coordinator.h"
#include "common/clock.h"

namespace driftd {
namespace {

using namespace std::chrono_literals;
using Outcome = CommitCoordinator::Outcome;
using Fate = CommitCoordinator::AnswerFate;
using Work = CommitCoordinator::Work;

constexpr auto kInterval = 10s;

// A host booted one second ago: its monotonic clock reads 1 s, less than
// the checkpoint interval.
ManualClock freshly_booted() {
  return ManualClock(1'700'000'000'000, Clock::SteadyTime(1s));
}

TEST_CASE("A checkpoint is due by interval since the start or the last one") {
  ManualClock clock = freshly_booted();
  CommitCoordinator coordinator(2, kInterval, clock.steady());
  CHECK_FALSE(coordinator.checkpoint_due(0, {}, clock.steady()));
  clock.advance(9999ms);
  CHECK_FALSE(coordinator.checkpoint_due(0, {}, clock.steady()));
  clock.advance(1ms);
  CHECK(coordinator.checkpoint_due(0, {}, clock.steady()));
  CHECK(coordinator.finished(0, Outcome::kCommitted, true, clock.steady()) == Fate::kDurable);
  CHECK_FALSE(coordinator.checkpoint_due(0, {}, clock.steady()));
  CHECK(coordinator.checkpoint_due(1, {}, clock.steady()));  // streams are apart
  clock.advance(kInterval);
  CHECK(coordinator.checkpoint_due(0, {}, clock.steady()));
}

TEST_CASE("Work makes a checkpoint due at once") {
  ManualClock clock = freshly_booted();
  CommitCoordinator coordinator(1, kInterval, clock.steady());
  CHECK(coordinator.checkpoint_due(0, Work{.final = true}, clock.steady()));
  CHECK(coordinator.checkpoint_due(0, Work{.windows_waiting = true}, clock.steady()));
  CHECK(coordinator.checkpoint_due(0, Work{.references_captured = true}, clock.steady()));
  CHECK(coordinator.checkpoint_due(0, Work{.answers_held = true}, clock.steady()));
  CHECK_FALSE(coordinator.checkpoint_due(0, Work{}, clock.steady()));
}

TEST_CASE("A failed commit owes a checkpoint until one is committed, on a freshly booted host") {
  ManualClock clock = freshly_booted();
  CommitCoordinator coordinator(2, kInterval, clock.steady());
  CHECK(coordinator.streams_behind() == 0);

  CHECK(coordinator.finished(0, Outcome::kFailed, true, clock.steady()) == Fate::kNotDurable);
  CHECK(coordinator.behind(0));
  CHECK_FALSE(coordinator.behind(1));
  CHECK(coordinator.streams_behind() == 1);
  clock.advance(100ms);
  // Nothing else to do and the interval far off: the owed checkpoint is due.
  REQUIRE(coordinator.checkpoint_due(0, {}, clock.steady()));

  SECTION("a tick that could not cut the stream leaves it behind") {
    CHECK(coordinator.finished(0, Outcome::kNothingToCommit, false, clock.steady()) ==
          Fate::kHoldAgain);
    CHECK(coordinator.behind(0));
    CHECK(coordinator.checkpoint_due(0, {}, clock.steady()));
  }
  SECTION("windows committed without a checkpoint leave it behind") {
    CHECK(coordinator.finished(0, Outcome::kCommitted, false, clock.steady()) ==
          Fate::kHoldAgain);
    CHECK(coordinator.behind(0));
    CHECK(coordinator.checkpoint_due(0, {}, clock.steady()));
  }
  SECTION("failing again keeps it owed") {
    CHECK(coordinator.finished(0, Outcome::kFailed, true, clock.steady()) == Fate::kNotDurable);
    CHECK(coordinator.behind(0));
    CHECK(coordinator.checkpoint_due(0, {}, clock.steady()));
  }
  SECTION("a committed checkpoint settles it") {
    CHECK(coordinator.finished(0, Outcome::kCommitted, true, clock.steady()) == Fate::kDurable);
    CHECK_FALSE(coordinator.behind(0));
    CHECK(coordinator.streams_behind() == 0);
    CHECK_FALSE(coordinator.checkpoint_due(0, {}, clock.steady()));
    clock.advance(kInterval);
    CHECK(coordinator.checkpoint_due(0, {}, clock.steady()));
  }
}

TEST_CASE("Held answers follow the commit that carries their checkpoint") {
  ManualClock clock = freshly_booted();
  CommitCoordinator coordinator(1, kInterval, clock.steady());
  // Answers wait for a checkpoint: without one they are held again, even
  // when windows were committed.
  CHECK(coordinator.finished(0, Outcome::kNothingToCommit, false, clock.steady()) ==
        Fate::kHoldAgain);
  CHECK(coordinator.finished(0, Outcome::kCommitted, false, clock.steady()) == Fate::kHoldAgain);
  CHECK_FALSE(coordinator.behind(0));
  // A failure answers them "not durable" whether or not a checkpoint was cut.
  CHECK(coordinator.finished(0, Outcome::kFailed, false, clock.steady()) == Fate::kNotDurable);
  // Retried: the next committed checkpoint makes the next answers durable.
  CHECK(coordinator.finished(0, Outcome::kCommitted, true, clock.steady()) == Fate::kDurable);
}

TEST_CASE("The manual clock moves both readings together, and only when told") {
  ManualClock clock = freshly_booted();
  const int64_t wall = clock.wall_ms();
  const Clock::SteadyTime steady = clock.steady();
  CHECK(clock.wall_ms() == wall);
  clock.advance(1500ms);
  CHECK(clock.wall_ms() == wall + 1500);
  CHECK(clock.steady() - steady == 1500ms);
}

}  // namespace
}  // namespace driftd
