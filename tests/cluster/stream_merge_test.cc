// Cluster mode's protocol at the level of its logic (cluster_simulation.h):
// instances cut, crash and hand partitions over; one owner merges the
// partials. Every window it closes must hold exactly the events whose time
// falls in it, bin by bin, none late, none twice.
#include "cluster/stream_merge.h"

#include <chrono>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include <catch2/catch.hpp>

#include "cluster_simulation.h"

namespace driftd::cluster {
namespace {

using namespace simulation;
using std::chrono::milliseconds;

// One owner all along: adds each partial as it is produced, then polls.
class SteadyOwner : public OwnerSide {
 public:
  explicit SteadyOwner(const Scenario& scenario)
      : merge_(scenario.spec, kCounters, kReferenceVersion, kFingerprint, kIdleMs, kReportMs) {
    merge_.set_partition_count(scenario.partitions);
  }

  void produced(std::span<const PanePartial> topic, std::mt19937_64&) override {
    activity_ += 10;
    CHECK(merge_.add(topic.back(), activity_) == StreamMerge::Outcome::added);
    merge_.poll(activity_, [&](const ClosedWindow& window) { collect(window); });
  }
  void quiet() override {
    activity_ += kIdleMs;
    merge_.poll(activity_, [&](const ClosedWindow& window) { collect(window); });
  }

  const StreamMerge& merge() const { return merge_; }
  const Windows& windows() const { return windows_; }

 private:
  void collect(const ClosedWindow& window) {
    CHECK(windows_.count(window.bounds) == 0);  // each window once
    windows_[window.bounds] = {window.counts.begin(), window.counts.end()};
  }

  StreamMerge merge_;
  int64_t activity_ = 0;
  Windows windows_;
};

void run(const Scenario& scenario) {
  SteadyOwner owner(scenario);
  const Outcome outcome = simulate(scenario, owner);
  INFO("windows " << owner.windows().size() << ", crashes " << outcome.crashes);
  CHECK(owner.merge().totals().late_events == 0);
  CHECK(owner.merge().totals().stale_progress == 0);
  CHECK(owner.merge().totals().partials == outcome.topic.size());
  uint64_t events_seen = 0;
  for (const PanePartial& partial : outcome.topic) events_seen += partial.events_seen;
  CHECK(owner.merge().totals().events_seen == events_seen);
  CHECK(owner.windows().size() == outcome.truth.size());
  CHECK(owner.windows() == outcome.truth);
  CHECK(outcome.crashes > 0);
}

TEST_CASE("merged partials give every window exactly its events, through crashes and handovers") {
  const uint64_t seed = GENERATE(1, 2, 3, 4, 5);
  SECTION("tumbling, event time") {
    run({WindowSpec::tumbling(milliseconds(100), TimeDomain::event_time), 6, 3, seed});
  }
  SECTION("sliding, allowed lateness") {
    run({WindowSpec::sliding(milliseconds(300), milliseconds(100), TimeDomain::event_time,
                             milliseconds(50)),
         4, 2, seed});
  }
}

TEST_CASE("a partial binned with another reference or layout is rejected, its progress too") {
  StreamMerge owner(WindowSpec::tumbling(milliseconds(100), TimeDomain::event_time), kCounters,
                    kReferenceVersion, kFingerprint, kIdleMs, kReportMs);
  owner.set_partition_count(1);
  PanePartial partial;
  partial.stream = "payments";
  partial.producer = "old-config";
  partial.reference_version = kReferenceVersion;
  partial.layout_fingerprint = kFingerprint + 1;
  partial.counters = kCounters;
  partial.panes.push_back({10, deltas_of({1'000, 2})});
  partial.partitions.push_back({.partition = 0, .next_offset = 1, .watermark_ms = 1'050, .behind = false});
  CHECK(owner.add(partial, 1) == StreamMerge::Outcome::rejected_layout);
  partial.layout_fingerprint = kFingerprint;
  partial.reference_version = kReferenceVersion - 1;
  CHECK(owner.add(partial, 2) == StreamMerge::Outcome::rejected_reference);
  int windows = 0;
  owner.poll(10 * kIdleMs, [&](const ClosedWindow&) { ++windows; });
  CHECK(windows == 0);
  CHECK(owner.source().entries().empty());  // partition 0 not heard from: it still holds
  CHECK(owner.totals().rejected_layout == 1);
  CHECK(owner.totals().rejected_reference == 1);
  CHECK(owner.totals().partials == 0);
}

TEST_CASE("a capture stream follows the progress without a reference, its windows start at the cut") {
  StreamMerge owner(WindowSpec::tumbling(milliseconds(100), TimeDomain::event_time), 1, 0, 0,
                    kIdleMs, kReportMs);
  owner.set_partition_count(1);
  // An instance still spooling: its rows went to the owner on their own.
  PanePartial spooling;
  spooling.stream = "payments";
  spooling.producer = "spooler";
  spooling.events_seen = 7;
  spooling.partitions.push_back({.partition = 0, .next_offset = 5, .watermark_ms = 1'050, .behind = false});
  CHECK(owner.add(spooling, 1) == StreamMerge::Outcome::added);
  CHECK(owner.frontier(1) == 1'050);
  PanePartial binned = binned_partial("installed");
  binned.panes.push_back({9, deltas_of({950, 1})});
  binned.panes.push_back({10, deltas_of({1'020, 2})});
  CHECK(owner.add(binned, 2) == StreamMerge::Outcome::rejected_layout);  // no reference yet
  int windows = 0;
  owner.poll(3, [&](const ClosedWindow&) { ++windows; });
  CHECK(windows == 0);

  owner.set_reference(kReferenceVersion, kFingerprint, kCounters, 1'000);
  CHECK(owner.reference_version() == kReferenceVersion);
  CHECK(owner.add(binned, 4) == StreamMerge::Outcome::added);
  CHECK(owner.totals().late_events == 1);  // pane 9 is before the cut
  // A spooler's progress is still applied: its rows are binned on their own.
  spooling.partitions[0] = {.partition = 0, .next_offset = 9, .watermark_ms = 1'150, .behind = false};
  CHECK(owner.add(spooling, 5) == StreamMerge::Outcome::added);
  std::vector<Interval> closed;
  owner.poll(6, [&](const ClosedWindow& window) {
    closed.push_back(window.bounds);
    CHECK(window.counts[0] == 1);
  });
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].start == 1'000);
  CHECK(owner.totals().events_seen == 14);
  CHECK(owner.totals().partials == 3);
}

TEST_CASE("across a reference switch, one merge ends its windows there and the other starts them") {
  // Sliding windows of 300 ms every 100 ms; the switch at 1000 ms.
  const WindowSpec spec = WindowSpec::sliding(milliseconds(300), milliseconds(100),
                                              TimeDomain::event_time);
  constexpr int64_t kSwitchMs = 1'000;
  constexpr int64_t kNextVersion = kReferenceVersion + 1;
  StreamMerge before(spec, kCounters, kReferenceVersion, kFingerprint, kIdleMs, kReportMs);
  StreamMerge after(spec, kCounters, kNextVersion, kFingerprint, kIdleMs, kReportMs);
  before.set_partition_count(1);
  after.set_partition_count(1);
  before.end_windows_at(kSwitchMs);
  after.start_windows_at(kSwitchMs);
  // One event per pane from 500 to 1499 ms: before the switch binned with
  // the old reference, from it with the new; the progress with each.
  int64_t activity = 0;
  const auto partial_at = [&](int64_t time, int64_t version) {
    PanePartial partial = binned_partial("instance", version);
    partial.panes.push_back({time / 100, deltas_of({time, 1})});
    partial.partitions.push_back(
        {.partition = 0, .next_offset = time, .watermark_ms = time, .behind = false});
    return partial;
  };
  std::vector<Interval> closed_before;
  std::vector<Interval> closed_after;
  for (int64_t time = 550; time < 1'500; time += 100) {
    const PanePartial partial = partial_at(time, time < kSwitchMs ? kReferenceVersion : kNextVersion);
    StreamMerge& adds = time < kSwitchMs ? before : after;
    StreamMerge& follows = time < kSwitchMs ? after : before;
    CHECK(adds.add(partial, ++activity) == StreamMerge::Outcome::added);
    follows.follow(partial, activity);
    // Another version than a merge's is rejected, as ever.
    CHECK(follows.add(partial, activity) == StreamMerge::Outcome::rejected_reference);
    before.poll(activity, [&](const ClosedWindow& window) { closed_before.push_back(window.bounds); });
    after.poll(activity, [&](const ClosedWindow& window) { closed_after.push_back(window.bounds); });
    CHECK(before.ended() == (time >= kSwitchMs));  // the watermark is the latest time
  }
  // The old merge: windows ending at 1000 at the latest. The new: those
  // after, the ones spanning the switch (ending 1100 and 1200) with the
  // events from the switch on, as windows after a capture's cut.
  REQUIRE_FALSE(closed_before.empty());
  CHECK(closed_before.back().end == kSwitchMs);
  for (const Interval& window : closed_before) CHECK(window.end <= kSwitchMs);
  REQUIRE_FALSE(closed_after.empty());
  CHECK(closed_after.front().end == kSwitchMs + 100);
  for (const Interval& window : closed_after) CHECK(window.end > kSwitchMs);
  CHECK(before.totals().late_events == 0);
  CHECK(after.totals().late_events == 0);
  // Both followed every partial's progress.
  CHECK(before.source().entries() == after.source().entries());
}

}  // namespace
}  // namespace driftd::cluster
