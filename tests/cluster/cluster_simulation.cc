#include "cluster_simulation.h"

#include <algorithm>
#include <memory>
#include <string>

#include "window/pane_clock.h"
#include "window/pane_delta_recorder.h"

namespace driftd::cluster::simulation {
namespace {

// One instance: its recorder since its last cut, the pieces it refused, the
// events it read since then.
struct Instance {
  Instance(const WindowSpec& spec, std::string name)
      : id(std::move(name)), recorder(std::make_unique<PaneDeltaRecorder>(spec, kCounters, 1)) {}
  std::string id;
  std::unique_ptr<PaneDeltaRecorder> recorder;
  std::map<PaneId, std::vector<uint64_t>> refused;
  uint64_t seen = 0;
  uint64_t cuts = 0;
};

struct Partition {
  std::vector<Event> events;  // in time order
  std::size_t holder = 0;
  std::size_t read = 0;       // the holder's position
  std::size_t committed = 0;  // committed with the last partial that covered it
  int64_t latest = kMinTimestampMs;  // latest time read since the committed offset
};

}  // namespace

PanePartial binned_partial(std::string producer, int64_t version) {
  PanePartial partial;
  partial.stream = "payments";
  partial.producer = std::move(producer);
  partial.reference_version = version;
  partial.layout_fingerprint = kFingerprint;
  partial.counters = kCounters;
  return partial;
}

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

Outcome simulate(const Scenario& scenario, OwnerSide& owner) {
  std::mt19937_64 random(scenario.seed);
  const WindowSpec& spec = scenario.spec;
  const PaneClock clock(spec);
  Outcome outcome;

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

  const auto cut = [&](std::size_t index) {
    Instance& instance = instances[index];
    PanePartial partial;
    partial.stream = "payments";
    partial.producer = instance.id;
    partial.sequence = ++instance.cuts;
    partial.reference_version = kReferenceVersion;
    partial.layout_fingerprint = kFingerprint;
    partial.counters = kCounters;
    partial.events_seen = instance.seen;
    instance.seen = 0;
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
    outcome.topic.push_back(std::move(partial));
    owner.produced(outcome.topic, random);
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
      ++instance.seen;
    }
  };
  const auto crash = [&](std::size_t index) {
    // Everything since the last cut is lost; the partitions go back to
    // their committed offsets and to whoever the group gives them.
    instances[index].recorder = std::make_unique<PaneDeltaRecorder>(spec, kCounters, 1);
    instances[index].refused.clear();
    instances[index].seen = 0;
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
      ++outcome.crashes;
    } else {
      hand_over(random() % partitions.size());
    }
  }
  for (std::size_t i = 0; i < instances.size(); ++i) cut(i);
  // Quiet for longer than idle_timeout, the instances still cutting (their
  // empty partials name the partitions they hold): nothing holds time back.
  for (int i = 0; i < 3; ++i) {
    for (std::size_t instance = 0; instance < instances.size(); ++instance) cut(instance);
    owner.quiet();
  }

  // The truth: every event in the windows its time falls in.
  int64_t latest = kMinTimestampMs;
  for (const Partition& partition : partitions) {
    for (const Event& event : partition.events) {
      const PaneId pane = clock.pane_of(event.time);
      for (PaneId last = pane; last < pane + clock.panes_per_window(); ++last) {
        add_into(outcome.truth[clock.window_bounds(last)], deltas_of(event));
      }
      latest = std::max(latest, event.time);
    }
  }
  const int64_t watermark = latest - spec.allowed_lateness().count();
  for (auto it = outcome.truth.begin(); it != outcome.truth.end();) {
    it = it->first.end > watermark ? outcome.truth.erase(it) : std::next(it);  // not closed yet
  }
  return outcome;
}

}  // namespace driftd::cluster::simulation
