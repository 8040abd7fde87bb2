// Workers record into an assembler while the manager keeps closing windows
// and handling the pieces that fell beyond the horizon: every count must end
// up in the windows or in the late totals, exactly once.
#include "window/window_assembler.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "window_test_support.h"

using namespace std::chrono_literals;
using driftd::PaneId;
using driftd::RecordOutcome;
using driftd::TimeDomain;
using driftd::WindowAssembler;
using driftd::WindowSpec;
using driftd::testing::add_into;
using driftd::testing::Counts;

namespace {

constexpr std::uint64_t kBatchesPerWorker = 800;

struct DeferredPiece {
  PaneId pane;
  Counts deltas;
};

// The slow path from the workers to the manager.
class DeferredQueue {
 public:
  void push(PaneId pane, std::span<const std::uint64_t> deltas) {
    const std::lock_guard lock(mutex_);
    pieces_.push_back({pane, Counts(deltas.begin(), deltas.end())});
  }
  // Moves the queued pieces to the end of `into`.
  void take(std::vector<DeferredPiece>& into) {
    const std::lock_guard lock(mutex_);
    std::move(pieces_.begin(), pieces_.end(), std::back_inserter(into));
    pieces_.clear();
  }

 private:
  std::mutex mutex_;
  std::vector<DeferredPiece> pieces_;
};

Counts sum(const std::vector<Counts>& per_worker) {
  Counts total;
  for (const Counts& counts : per_worker) {
    add_into(total, counts);
  }
  return total;
}

}  // namespace

TEST_CASE("event time: windows plus late counts conserve everything recorded") {
  const auto spec = GENERATE(WindowSpec::tumbling(10ms, TimeDomain::event_time, 20ms),
                             WindowSpec::sliding(40ms, 10ms, TimeDomain::event_time, 20ms));
  const std::size_t workers = GENERATE(2U, 4U);
  constexpr std::size_t kCounters = 6;
  WindowAssembler assembler(spec, kCounters, workers);
  DeferredQueue queue;
  std::vector<Counts> recorded(workers, Counts(kCounters, 0));
  std::atomic<std::int64_t> batches_begun{0};

  // Event time advances with the batches (1 ms per batch); a piece's time is
  // up to 25 ms older or 5 ms newer than that, and once in a while 60 ms newer
  // (beyond the open panes, dragging the watermark along: what follows is
  // late for a while).
  const auto work = [&](std::size_t worker, auto pace) {
    std::mt19937_64 random(worker + 7);
    Counts deltas(kCounters);
    for (std::uint64_t i = 0; i < kBatchesPerWorker; ++i) {
      pace(i);
      const std::int64_t now = batches_begun.fetch_add(1);
      std::int64_t times[2];
      for (std::int64_t& t : times) {
        t = now - 25 + static_cast<std::int64_t>(random() % 30) + (random() % 2000 == 0 ? 60 : 0);
      }
      const auto pieces = static_cast<std::ptrdiff_t>(1 + random() % 2);
      assembler.watermark().observe(*std::max_element(times, times + pieces));
      auto batch = assembler.recorder().begin_batch(worker);
      for (std::ptrdiff_t p = 0; p < pieces; ++p) {
        deltas[WindowAssembler::kEventCounter] = 1 + random() % 16;
        for (std::size_t c = 1; c < kCounters; ++c) {
          deltas[c] = random() % 100;
        }
        add_into(recorded[worker], deltas);
        const PaneId pane = assembler.clock().pane_of(times[p]);
        if (batch.record(pane, deltas) == RecordOutcome::beyond_horizon) {
          queue.push(pane, deltas);
        }
      }
    }
  };

  Counts in_windows(kCounters, 0);
  std::vector<DeferredPiece> deferred;
  std::size_t deferred_pieces = 0;
  bool retries_landed = true;
  const auto manage = [&] {
    // Take the pieces before polling: their writers observed their times
    // before queueing them, hence before this poll reads the watermark.
    queue.take(deferred);
    deferred_pieces += deferred.size();
    while (auto window = assembler.next_window()) {
      add_into(in_windows, window->counts);
    }
    for (const DeferredPiece& piece : deferred) {
      // The header's promise: after such a poll, a deferred piece lands.
      retries_landed = retries_landed && assembler.record_deferred(piece.pane, piece.deltas) !=
                                             RecordOutcome::beyond_horizon;
    }
    deferred.clear();
  };
  driftd::testing::run_racing(workers, work, manage);
  assembler.watermark().observe(assembler.watermark().current() + 1'000'000);
  manage();

  const Counts total = sum(recorded);
  const Counts late(assembler.late_counts().begin(), assembler.late_counts().end());
  Counts expected(kCounters, 0);
  for (std::size_t c = 0; c < kCounters; ++c) {
    expected[c] = static_cast<std::uint64_t>(spec.panes_per_window()) * (total[c] - late[c]);
  }
  INFO("events: " << total[0] << ", late: " << late[0] << ", deferred pieces: " << deferred_pieces);
  CHECK(retries_landed);
  CHECK(in_windows == expected);
  CHECK(deferred_pieces > 1);
  CHECK(late[0] > 0);
  CHECK(late[0] < total[0] / 2);
}

TEST_CASE("count windows: every closed window holds exactly N events, and nothing is lost") {
  const std::size_t workers = GENERATE(2U, 4U);
  constexpr std::int64_t kEventsPerWindow = 100;
  WindowAssembler assembler(WindowSpec::count(kEventsPerWindow), 3, workers);
  DeferredQueue queue;
  std::vector<Counts> recorded(workers, Counts(3, 0));

  // Batches of 1-300 events, each event in bin 0 or bin 1; counters: events,
  // bin 0, bin 1.
  const auto work = [&](std::size_t worker, auto pace) {
    std::mt19937_64 random(worker + 11);
    std::vector<std::uint8_t> bins;
    Counts deltas(3);
    auto& sequencer = assembler.sequencer();
    for (std::uint64_t i = 0; i < kBatchesPerWorker; ++i) {
      pace(i);
      bins.resize(1 + random() % 300);
      for (auto& bin : bins) {
        bin = static_cast<std::uint8_t>(random() % 2);
      }
      const auto range = sequencer.reserve(static_cast<std::int64_t>(bins.size()));
      auto batch = assembler.recorder().begin_batch(worker);
      for (std::int64_t offset = 0; offset < range.count;) {
        const auto piece = sequencer.piece_at(range, offset);
        const auto first = bins.begin() + offset;
        const auto ones = static_cast<std::uint64_t>(std::count(first, first + piece.length, 1));
        deltas = {static_cast<std::uint64_t>(piece.length),
                  static_cast<std::uint64_t>(piece.length) - ones, ones};
        add_into(recorded[worker], deltas);
        if (batch.record(piece.pane, deltas) == RecordOutcome::beyond_horizon) {
          queue.push(piece.pane, deltas);
        }
        offset += piece.length;
      }
    }
  };

  Counts in_windows(3, 0);
  PaneId windows = 0;
  bool exact_and_in_order = true;
  const auto close_due_windows = [&] {
    while (auto window = assembler.next_window()) {
      exact_and_in_order =
          exact_and_in_order && window->counts[0] == std::uint64_t{kEventsPerWindow} &&
          window->counts[1] + window->counts[2] == std::uint64_t{kEventsPerWindow} &&
          window->bounds.start == windows * kEventsPerWindow &&
          window->bounds.end == (windows + 1) * kEventsPerWindow;
      ++windows;
      add_into(in_windows, window->counts);
    }
  };
  std::vector<DeferredPiece> deferred;
  std::size_t deferred_pieces = 0;
  const auto manage = [&] {
    const std::size_t before = deferred.size();
    queue.take(deferred);
    deferred_pieces += deferred.size() - before;
    // Lowest pane first: each piece that lands may complete the window the
    // next one waits for; repeat while pieces land.
    std::ranges::sort(deferred, {}, &DeferredPiece::pane);
    std::size_t waiting = 0;
    do {
      close_due_windows();
      waiting = deferred.size();
      std::erase_if(deferred, [&](const DeferredPiece& piece) {
        return assembler.record_deferred(piece.pane, piece.deltas) !=
               RecordOutcome::beyond_horizon;
      });
    } while (deferred.size() < waiting);
    close_due_windows();
  };
  driftd::testing::run_racing(workers, work, manage);
  REQUIRE(deferred.empty());  // the last manage() ran with no writer left

  driftd::WindowCheckpoint open_windows;
  REQUIRE(assembler.checkpoint(open_windows));
  Counts in_open_windows(3, 0);
  for (std::size_t at = 0; at < open_windows.counts.size(); at += 3) {
    add_into(in_open_windows, std::span(open_windows.counts).subspan(at, 3));
  }
  const Counts total = sum(recorded);
  INFO("events: " << total[0] << ", deferred pieces: " << deferred_pieces);
  CHECK(exact_and_in_order);
  CHECK(windows == static_cast<PaneId>(total[0]) / kEventsPerWindow);
  CHECK(in_open_windows[0] == total[0] % kEventsPerWindow);
  add_into(in_windows, in_open_windows);
  CHECK(in_windows == total);
  CHECK(Counts(assembler.late_counts().begin(), assembler.late_counts().end()) == Counts(3, 0));
  CHECK(deferred_pieces > 0);
}
