// Cluster mode's protocol at the level of its logic: instances record their
// partitions' events into pane deltas and cut at random moments, crash
// (losing what they recorded since their last cut, their partitions re-read
// from the committed offsets) and hand partitions over; the owner merges the
// partials. Every window it closes must hold exactly the events whose time
// falls in it, bin by bin, none late, none twice.
#include "cluster/stream_merge.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "window/pane_delta_recorder.h"

namespace driftd::cluster {
namespace {

using std::chrono::milliseconds;

constexpr std::size_t kBins = 4;
constexpr std::size_t kCounters = 1 + kBins;  // events, then one count per bin
constexpr int64_t kReferenceVersion = 3;
constexpr uint64_t kFingerprint = 0xfeedULL;
constexpr int64_t kIdleMs = 1'000;

struct Event {
  int64_t time;
  std::size_t bin;
};

std::vector<uint64_t> deltas_of(const Event& event) {
  std::vector<uint64_t> deltas(kCounters, 0);
  deltas[0] = 1;
  deltas[1 + event.bin] = 1;
  return deltas;
}

void add_into(std::vector<uint64_t>& total, std::span<const uint64_t> counts) {
  total.resize(counts.size(), 0);
  for (std::size_t i = 0; i < counts.size(); ++i) total[i] += counts[i];
}

// One instance: its recorder since its last cut, the pieces it refused.
struct Instance {
  Instance(const WindowSpec& spec, std::string name)
      : id(std::move(name)), recorder(std::make_unique<PaneDeltaRecorder>(spec, kCounters, 1)) {}
  std::string id;
  std::unique_ptr<PaneDeltaRecorder> recorder;
  std::map<PaneId, std::vector<uint64_t>> refused;
  uint64_t cuts = 0;
};

struct Partition {
  std::vector<Event> events;  // in time order
  std::size_t holder = 0;
  std::size_t read = 0;       // the holder's position
  std::size_t committed = 0;  // committed with the last partial that covered it
  int64_t latest = kMinTimestampMs;  // latest time read since the committed offset
};

struct Scenario {
  WindowSpec spec;
  int partitions;
  int instances;
  uint64_t seed;
};

void run(const Scenario& scenario) {
  std::mt19937_64 random(scenario.seed);
  const WindowSpec& spec = scenario.spec;
  const PaneClock clock(spec);

  // Events: each partition in time order, at its own pace.
  std::vector<Partition> partitions(static_cast<std::size_t>(scenario.partitions));
  for (Partition& partition : partitions) {
    int64_t time = 1'000'000 + static_cast<int64_t>(random() % 50);
    for (int i = 0; i < 400; ++i) {
      time += static_cast<int64_t>(random() % 25);
      partition.events.push_back({time, random() % kBins});
    }
    partition.holder = random() % static_cast<std::size_t>(scenario.instances);
  }
  std::vector<Instance> instances;
  for (int i = 0; i < scenario.instances; ++i) instances.emplace_back(spec, "instance-" + std::to_string(i));

  StreamMerge owner(spec, kCounters, kReferenceVersion, kFingerprint, kIdleMs);
  owner.set_partition_count(scenario.partitions);
  int64_t activity = 0;
  std::map<Interval, std::vector<uint64_t>, bool (*)(const Interval&, const Interval&)> windows(
      [](const Interval& a, const Interval& b) { return a.start < b.start; });
  const auto collect = [&](const ClosedWindow& window) {
    CHECK(windows.count(window.bounds) == 0);  // each window once
    windows[window.bounds] = {window.counts.begin(), window.counts.end()};
  };

  const auto cut = [&](std::size_t index) {
    Instance& instance = instances[index];
    PanePartial partial;
    partial.stream = "payments";
    partial.producer = instance.id;
    partial.sequence = ++instance.cuts;
    partial.reference_version = kReferenceVersion;
    partial.layout_fingerprint = kFingerprint;
    partial.counters = kCounters;
    std::map<PaneId, std::vector<uint64_t>> panes = std::move(instance.refused);
    instance.refused.clear();
    for (const PaneCounts& pane : instance.recorder->take()) add_into(panes[pane.pane], pane.counts);
    for (auto& [pane, counts] : panes) partial.panes.push_back({pane, std::move(counts)});
    for (std::size_t p = 0; p < partitions.size(); ++p) {
      Partition& partition = partitions[p];
      if (partition.holder != index) continue;
      partial.partitions.push_back({.partition = static_cast<int32_t>(p),
                                    .next_offset = static_cast<int64_t>(partition.read),
                                    .watermark_ms = partition.latest,
                                    .behind = partition.read < partition.events.size()});
      partition.committed = partition.read;  // the transaction commits the offsets
    }
    activity += 10;
    CHECK(owner.add(partial, activity) == StreamMerge::Outcome::added);
    owner.poll(activity, collect);
  };
  const auto read_batch = [&](std::size_t p) {
    Partition& partition = partitions[p];
    Instance& instance = instances[partition.holder];
    const std::size_t end = std::min(partition.events.size(), partition.read + 1 + random() % 20);
    if (partition.read == end) return;
    instance.recorder->watermark().observe(partition.events[end - 1].time);
    auto batch = instance.recorder->recorder().begin_batch(0);
    for (; partition.read < end; ++partition.read) {
      const Event& event = partition.events[partition.read];
      const PaneId pane = instance.recorder->clock().pane_of(event.time);
      const std::vector<uint64_t> deltas = deltas_of(event);
      if (batch.record(pane, deltas) != RecordOutcome::recorded) {
        add_into(instance.refused[pane], deltas);
      }
      partition.latest = std::max(partition.latest, event.time);
    }
  };
  const auto crash = [&](std::size_t index) {
    // Everything since the last cut is lost; the partitions go back to
    // their committed offsets and to whoever the group gives them.
    instances[index].recorder = std::make_unique<PaneDeltaRecorder>(spec, kCounters, 1);
    instances[index].refused.clear();
    for (Partition& partition : partitions) {
      if (partition.holder != index) continue;
      partition.read = partition.committed;
      partition.latest = partition.committed == 0 ? kMinTimestampMs
                                                  : partition.events[partition.committed - 1].time;
      partition.holder = random() % instances.size();
    }
  };
  const auto hand_over = [&](std::size_t p) {
    // A rebalance: the holder cuts in its revoke callback, then the new
    // holder starts from the offset it committed.
    cut(partitions[p].holder);
    partitions[p].holder = random() % instances.size();
  };

  uint64_t crashes = 0;
  for (;;) {
    const bool all_read = std::all_of(partitions.begin(), partitions.end(),
                                      [](const Partition& p) { return p.read == p.events.size(); });
    if (all_read) break;
    const auto roll = random() % 100;
    if (roll < 70) {
      // Partition 0 is read 20 times less often than the others: it lags,
      // and must hold time back for as long as it has messages to read.
      const std::size_t p = random() % partitions.size();
      if (p != 0 || random() % 20 == 0) read_batch(p);
    } else if (roll < 93) {
      cut(random() % instances.size());
    } else if (roll < 97) {
      crash(random() % instances.size());
      ++crashes;
    } else {
      hand_over(random() % partitions.size());
    }
  }
  for (std::size_t i = 0; i < instances.size(); ++i) cut(i);
  // Quiet for longer than idle_timeout: nothing holds time back.
  for (int i = 0; i < 3; ++i) {
    activity += kIdleMs;
    owner.poll(activity, collect);
  }

  // The truth: every event in the windows its time falls in.
  std::map<Interval, std::vector<uint64_t>, bool (*)(const Interval&, const Interval&)> truth(
      [](const Interval& a, const Interval& b) { return a.start < b.start; });
  int64_t latest = kMinTimestampMs;
  for (const Partition& partition : partitions) {
    for (const Event& event : partition.events) {
      const PaneId pane = clock.pane_of(event.time);
      for (PaneId last = pane; last < pane + clock.panes_per_window(); ++last) {
        add_into(truth[clock.window_bounds(last)], deltas_of(event));
      }
      latest = std::max(latest, event.time);
    }
  }
  const int64_t watermark = latest - spec.allowed_lateness().count();
  for (auto it = truth.begin(); it != truth.end();) {
    it = it->first.end > watermark ? truth.erase(it) : std::next(it);  // not closed yet
  }
  INFO("windows " << windows.size() << ", crashes " << crashes);
  CHECK(owner.totals().late_events == 0);
  CHECK(owner.totals().stale_progress == 0);
  CHECK(windows.size() == truth.size());
  CHECK(windows == truth);
  CHECK(crashes > 0);
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
                    kReferenceVersion, kFingerprint, kIdleMs);
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

}  // namespace
}  // namespace driftd::cluster
