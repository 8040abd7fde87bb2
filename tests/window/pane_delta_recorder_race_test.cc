// Writers record into a PaneDeltaRecorder while the manager keeps taking:
// every recorded count is handed out by exactly one take, in its pane.
#include "window/pane_delta_recorder.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "window_test_support.h"

namespace driftd {
namespace {

using testing::add_into;
using testing::Counts;

constexpr std::size_t kCounters = 4;
constexpr std::uint64_t kBatchesPerWriter = 1'500;

TEST_CASE("racing writers and takes hand out every recorded count once") {
  const std::size_t writers = GENERATE(1U, 3U);
  PaneDeltaRecorder deltas(
      WindowSpec::tumbling(std::chrono::milliseconds(10), TimeDomain::event_time,
                           std::chrono::milliseconds(20)),
      kCounters, writers);
  std::vector<std::map<PaneId, Counts>> recorded(writers);
  std::atomic<std::int64_t> clock{1'000};

  const auto work = [&](std::size_t writer, auto pace) {
    std::mt19937_64 random(writer + 11);
    Counts piece(kCounters);
    for (std::uint64_t i = 0; i < kBatchesPerWriter; ++i) {
      pace(i);
      // relaxed: a moving point of reference; any value is correct.
      const std::int64_t now = clock.fetch_add(1, std::memory_order_relaxed);
      deltas.watermark().observe(now);
      auto batch = deltas.recorder().begin_batch(writer);
      for (auto pieces = 1 + random() % 3; pieces > 0; --pieces) {
        const std::int64_t time = now - 40 + static_cast<std::int64_t>(random() % 60);
        const std::uint64_t v = 1 + random() % 9;
        for (std::size_t c = 0; c < kCounters; ++c) piece[c] = (c + 1) * v;
        const PaneId pane = deltas.clock().pane_of(time);
        if (batch.record(pane, piece) == RecordOutcome::recorded) {
          add_into(recorded[writer][pane], piece);
        }
      }
    }
  };
  std::map<PaneId, Counts> handed_out;
  const auto take = [&] {
    for (const PaneCounts& pane : deltas.take()) add_into(handed_out[pane.pane], pane.counts);
  };
  testing::run_racing(writers, work, take);
  take();

  std::map<PaneId, Counts> all_recorded;
  for (const auto& tally : recorded) {
    for (const auto& [pane, counts] : tally) add_into(all_recorded[pane], counts);
  }
  CHECK(handed_out == all_recorded);
  CHECK(all_recorded.size() > 20);
}

}  // namespace
}  // namespace driftd
