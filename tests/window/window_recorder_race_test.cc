// Writers record random batches while the reader keeps closing panes: every
// count must end up exactly once in its own pane, the late totals or the
// beyond-horizon pile.
#include "window/window_recorder.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "window_test_support.h"

using driftd::ClosedPanes;
using driftd::PaneId;
using driftd::RecordOutcome;
using driftd::WindowRecorder;
using driftd::testing::add_into;
using driftd::testing::Counts;

namespace {

constexpr std::size_t kCounters = 8;
constexpr std::size_t kOpenPanes = 4;
constexpr std::uint64_t kBatchesPerWriter = 1'200;

// Piece deltas are v, 2v, 3v...: a piece that a rotation caught half-added
// would break the proportions of the block it landed in.
bool proportional(std::span<const std::uint64_t> block) {
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (block[i] != (i + 1) * block[0]) {
      return false;
    }
  }
  return true;
}

struct WriterTally {
  std::map<PaneId, Counts> recorded;
  Counts late = Counts(kCounters, 0);
  Counts beyond_horizon = Counts(kCounters, 0);
};

}  // namespace

TEST_CASE("racing writers and a rotating reader lose nothing and count nothing twice") {
  const std::size_t writers = GENERATE(2U, 4U);
  WindowRecorder recorder(kCounters, writers, kOpenPanes, 0);
  std::atomic<PaneId> frontier{0};  // a hint for the writers: the first open pane
  std::vector<WriterTally> tallies(writers);

  // Batches of 1-3 pieces into panes around the frontier: most open, some
  // already closed, some just past the open range, a few far ahead.
  const auto work = [&](std::size_t writer, auto pace) {
    std::mt19937_64 random(writer + 1);
    WriterTally& tally = tallies[writer];
    Counts deltas(kCounters);
    for (std::uint64_t i = 0; i < kBatchesPerWriter; ++i) {
      pace(i);
      // relaxed: only a hint; correctness never depends on it.
      const PaneId near = frontier.load(std::memory_order_relaxed);
      auto batch = recorder.begin_batch(writer);
      for (auto pieces = 1 + random() % 3; pieces > 0; --pieces) {
        const auto roll = random() % 100;
        const PaneId pane = roll < 3    ? near + 1000 + static_cast<PaneId>(random() % 50)
                            : roll < 15 ? near - 1 - static_cast<PaneId>(random() % 3)
                                        : near + static_cast<PaneId>(random() % (kOpenPanes + 1));
        const std::uint64_t v = 1 + random() % 9;
        for (std::size_t c = 0; c < kCounters; ++c) {
          deltas[c] = (c + 1) * v;
        }
        switch (batch.record(pane, deltas)) {
          case RecordOutcome::recorded: add_into(tally.recorded[pane], deltas); break;
          case RecordOutcome::late: add_into(tally.late, deltas); break;
          case RecordOutcome::beyond_horizon: add_into(tally.beyond_horizon, deltas); break;
        }
      }
    }
  };

  std::map<PaneId, Counts> closed;
  Counts out(kOpenPanes * kCounters);
  bool all_proportional = true;
  const auto close_before = [&](PaneId first_open) {
    const ClosedPanes panes = recorder.close_panes_before(first_open, out);
    for (std::int64_t i = 0; i < panes.with_counts; ++i) {
      const auto block = std::span<const std::uint64_t>(out).subspan(
          static_cast<std::size_t>(i) * kCounters, kCounters);
      all_proportional = all_proportional && proportional(block);
      if (block[0] != 0) {
        add_into(closed[panes.first + i], block);
      }
    }
    // relaxed: see the load.
    frontier.store(first_open, std::memory_order_relaxed);
  };
  // The reader alternates snapshots of the open panes with closing one or
  // two of them.
  std::mt19937_64 random(99);
  const auto rotate = [&] {
    if (random() % 3 == 0) {
      recorder.settle();
      const PaneId first_open = recorder.first_open_pane();
      for (PaneId pane = first_open; pane < first_open + static_cast<PaneId>(kOpenPanes); ++pane) {
        all_proportional = all_proportional && proportional(recorder.settled_counts(pane));
      }
    } else {
      close_before(recorder.first_open_pane() + 1 + static_cast<PaneId>(random() % 2));
    }
  };
  driftd::testing::run_racing(writers, work, rotate);
  close_before(recorder.first_open_pane() + static_cast<PaneId>(kOpenPanes));

  std::map<PaneId, Counts> recorded;
  Counts late(kCounters, 0);
  Counts beyond_horizon(kCounters, 0);
  for (const WriterTally& tally : tallies) {
    for (const auto& [pane, counts] : tally.recorded) {
      add_into(recorded[pane], counts);
    }
    add_into(late, tally.late);
    add_into(beyond_horizon, tally.beyond_horizon);
  }
  INFO("panes with counts: " << recorded.size() << ", late: " << late[0]
                             << ", beyond the horizon: " << beyond_horizon[0]);
  CHECK(all_proportional);
  CHECK(closed == recorded);  // every recorded piece, in its own pane
  CHECK(Counts(recorder.late_counts().begin(), recorder.late_counts().end()) == late);
  CHECK(recorded.size() > kBatchesPerWriter / driftd::testing::kBatchesPerTick / 2);
  CHECK(late[0] > 0);
  CHECK(beyond_horizon[0] > 0);
}
