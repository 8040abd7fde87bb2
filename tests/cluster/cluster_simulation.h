// Cluster mode's protocol at the level of its logic, for the owner's tests:
// instances record their partitions' events into pane deltas and cut at
// random moments, crash (losing what they recorded since their last cut,
// their partitions re-read from the committed offsets) and hand partitions
// over. Every cut is one pane partial, appended to the partials topic in
// the order the broker would keep; the owner under test (an OwnerSide) is
// told of each as it is produced, and adds it up however it likes. The
// truth to compare its windows with: every event in the windows its time
// falls in, bin by bin.
//
// Thread safety: one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "cluster/pane_partial.h"
#include "window/pane.h"
#include "window/window_spec.h"

namespace driftd::cluster::simulation {

inline constexpr std::size_t kBins = 4;
inline constexpr std::size_t kCounters = 1 + kBins;  // events, then one count per bin
inline constexpr int64_t kReferenceVersion = 3;
inline constexpr uint64_t kFingerprint = 0xfeedULL;
inline constexpr int64_t kIdleMs = 1'000;
// How long a partition may go unnamed by partials before it holds time
// (source_progress.h; the owner uses three of the instances' cuts).
inline constexpr int64_t kReportMs = 3'000;

struct Event {
  int64_t time;
  std::size_t bin;
};

// An event's counter block: one event, one count in its bin.
std::vector<uint64_t> deltas_of(const Event& event);

// An empty partial of stream "payments" from `producer`, binned with
// `version` in the simulation's layout (kFingerprint, kCounters).
PanePartial binned_partial(std::string producer, int64_t version = kReferenceVersion);

// total += counts, word by word (total grows to counts' size).
void add_into(std::vector<uint64_t>& total, std::span<const uint64_t> counts);

struct ByStart {
  bool operator()(const Interval& a, const Interval& b) const { return a.start < b.start; }
};
// Windows by their bounds, with their counts.
using Windows = std::map<Interval, std::vector<uint64_t>, ByStart>;

struct Scenario {
  WindowSpec spec;
  int partitions;
  int instances;
  uint64_t seed;
};

// The owner under test.
class OwnerSide {
 public:
  virtual ~OwnerSide() = default;
  // An instance has just produced topic.back() (its transaction committed).
  // `random` is the simulation's, for the owner's own random moments.
  virtual void produced(std::span<const PanePartial> topic, std::mt19937_64& random) = 0;
  // Every event has been read and cut; every instance has cut again (empty
  // partials, naming their partitions): kIdleMs of the owner's activity
  // pass without a partial bringing events. Three times.
  virtual void quiet() = 0;
};

struct Outcome {
  // The windows the owner must have closed once quiet: those whose end the
  // latest event time minus the allowed lateness has passed, with their
  // events' counts.
  Windows truth;
  uint64_t crashes = 0;             // instances that crashed
  std::vector<PanePartial> topic;   // every partial, in order
};

// Runs `scenario` (400 events per partition, each at its own pace,
// partition 0 lagging; instances cutting, crashing and handing partitions
// over at random) against `owner`.
Outcome simulate(const Scenario& scenario, OwnerSide& owner);

}  // namespace driftd::cluster::simulation
