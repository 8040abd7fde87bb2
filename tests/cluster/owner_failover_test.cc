// A stream's owner failing over (stream_merge.h, "Checkpoints"): owners
// checkpoint at random moments, through the bytes of merge_checkpoint.h,
// and fail at random moments; the next owner restores the last checkpoint
// and adds the partials after it again, as a new owner reads the partials
// topic from the offset the checkpoint names. Across all owners every
// window is emitted once after dedup, equal to the truth, none late, and a
// window emitted again (by an owner after the one that emitted it failed
// before its next checkpoint) is identical.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "cluster/merge_checkpoint.h"
#include "cluster/stream_merge.h"
#include "cluster_simulation.h"
#include "common/error.h"
#include "window/pane.h"

namespace driftd::cluster {
namespace {

using namespace simulation;
using std::chrono::milliseconds;

// Owners one after the other. Each adds the partials it has not added yet,
// polling after most; right after a poll it may checkpoint; at any moment
// it may fail, and the next owner starts from the last checkpoint (or from
// nothing and the topic's first partial when there is none).
class FailingOwners : public OwnerSide {
 public:
  explicit FailingOwners(const Scenario& scenario) : scenario_(scenario) { start(nullptr); }

  void produced(std::span<const PanePartial> topic, std::mt19937_64& random) override {
    while (next_ < topic.size()) {
      activity_ += 10;
      CHECK(merge_->add(topic[next_++], activity_) == StreamMerge::Outcome::added);
      if (random() % 4 != 0 || next_ == topic.size()) {  // now and then several per poll
        poll();
        if (random() % 12 == 0) take_checkpoint();
      }
      if (random() % 30 == 0) fail(random);
    }
  }
  void quiet() override {
    activity_ += kIdleMs;
    poll();
  }

  const StreamMerge& merge() const { return *merge_; }
  // Every window emitted, once: what a reader of the owners' results keeps.
  Windows windows() const {
    Windows out;
    for (const auto& [bounds, counts] : log_) out[bounds] = counts;
    return out;
  }
  // The current owner has emitted again every window a failed one had.
  bool caught_up() const { return position_ == log_.size(); }
  std::size_t log_size() const { return log_.size(); }

  uint64_t checkpoints = 0;
  uint64_t checkpoints_with_waiting = 0;  // deltas beyond the open panes in it
  uint64_t failures = 0;
  uint64_t restores = 0;    // failures with a checkpoint to restore
  uint64_t re_emitted = 0;  // windows emitted again after a failure

 private:
  // A new owner: fresh, or restored from `saved`.
  void start(const std::vector<std::byte>* saved) {
    merge_ = std::make_unique<StreamMerge>(scenario_.spec, kCounters, kReferenceVersion,
                                           kFingerprint, kIdleMs, kReportMs);
    if (saved == nullptr || (restores_started_++ % 2) == 0) {
      merge_->set_partition_count(scenario_.partitions);  // the owner's metadata
    }
    if (saved == nullptr) {
      next_ = 0;
      position_ = 0;
      return;
    }
    const MergeCheckpoint checkpoint = decode_merge_checkpoint(*saved);
    merge_->restore(checkpoint, activity_);
    next_ = static_cast<std::size_t>(checkpoint.next_partials_offset);
    position_ = checkpoint_position_;
  }

  void poll() {
    merge_->poll(activity_, [&](const ClosedWindow& window) { emitted(window); });
  }

  void emitted(const ClosedWindow& window) {
    std::vector<uint64_t> counts(window.counts.begin(), window.counts.end());
    if (position_ < log_.size()) {
      // Emitted before, by an owner that failed before its next checkpoint:
      // the same window, in the same place, with the same counts.
      CHECK(log_[position_].first == window.bounds);
      CHECK(log_[position_].second == counts);
      ++re_emitted;
    } else {
      if (!log_.empty()) CHECK(log_.back().first.start < window.bounds.start);  // in order, once
      log_.emplace_back(window.bounds, std::move(counts));
    }
    ++position_;
  }

  void take_checkpoint() {
    MergeCheckpoint checkpoint = merge_->checkpoint();
    checkpoint.next_partials_offset = static_cast<int64_t>(next_);
    saved_ = encode_merge_checkpoint(checkpoint);
    REQUIRE(decode_merge_checkpoint(saved_) == checkpoint);
    checkpoint_position_ = position_;
    ++checkpoints;
    if (!checkpoint.waiting.empty()) ++checkpoints_with_waiting;
  }

  void fail(std::mt19937_64& random) {
    CHECK(merge_->totals().late_events == 0);  // none late for the owner that fails
    ++failures;
    activity_ += static_cast<int64_t>(random() % (3 * kIdleMs));  // the takeover
    if (saved_.empty()) {
      start(nullptr);
    } else {
      start(&saved_);
      ++restores;
    }
  }

  const Scenario scenario_;
  std::unique_ptr<StreamMerge> merge_;
  int64_t activity_ = 0;        // the owners' activity clock
  std::size_t next_ = 0;        // the first partial the current owner has not added
  std::vector<std::byte> saved_;  // the last checkpoint, as the state topic holds it
  // Every window emitted, in order; the current owner's place in it, and
  // the place the last checkpoint had reached.
  std::vector<std::pair<Interval, std::vector<uint64_t>>> log_;
  std::size_t position_ = 0;
  std::size_t checkpoint_position_ = 0;
  uint64_t restores_started_ = 0;
};

void run(const Scenario& scenario) {
  FailingOwners owners(scenario);
  const Outcome outcome = simulate(scenario, owners);
  INFO("windows " << owners.log_size() << ", checkpoints " << owners.checkpoints << " ("
                  << owners.checkpoints_with_waiting << " with deltas waiting)"
                  << ", failures " << owners.failures << " (" << owners.restores
                  << " restored), windows emitted again " << owners.re_emitted);
  CHECK(owners.caught_up());
  CHECK(owners.windows().size() == outcome.truth.size());
  CHECK(owners.windows() == outcome.truth);
  const MergeTotals& totals = owners.merge().totals();
  CHECK(totals.late_events == 0);
  CHECK(totals.stale_progress == 0);
  // The totals came through the checkpoints: each partial counted once.
  CHECK(totals.partials == outcome.topic.size());
  uint64_t events_seen = 0;
  for (const PanePartial& partial : outcome.topic) events_seen += partial.events_seen;
  CHECK(totals.events_seen == events_seen);
  CHECK(owners.restores > 0);
  CHECK(owners.checkpoints_with_waiting > 0);
  CHECK(owners.re_emitted > 0);
  CHECK(outcome.crashes > 0);
}

TEST_CASE("owners failing over from their checkpoints emit every window once, as one owner would") {
  const uint64_t seed = GENERATE(1, 2, 3, 4, 5, 6, 7, 8);
  SECTION("tumbling, event time") {
    run({WindowSpec::tumbling(milliseconds(100), TimeDomain::event_time), 6, 3, seed});
  }
  SECTION("sliding, allowed lateness") {
    run({WindowSpec::sliding(milliseconds(300), milliseconds(100), TimeDomain::event_time,
                             milliseconds(50)),
         4, 2, seed});
  }
}

// A partial of instance-0 with `events`, and the progress of `partitions`.
PanePartial partial_of(std::vector<PartitionProgress> partitions, const std::vector<Event>& events,
                       int64_t pane_ms) {
  PanePartial partial = binned_partial("instance-0");
  partial.partitions = std::move(partitions);
  std::map<PaneId, std::vector<uint64_t>> panes;
  for (const Event& event : events) add_into(panes[floor_div(event.time, pane_ms)], deltas_of(event));
  for (auto& [pane, counts] : panes) partial.panes.push_back({pane, std::move(counts)});
  partial.events_seen = events.size();
  return partial;
}

PartitionProgress progress(int32_t partition, int64_t next_offset, int64_t latest_ms) {
  return {.partition = partition, .next_offset = next_offset, .watermark_ms = latest_ms,
          .behind = false};
}

Windows poll_windows(StreamMerge& merge, int64_t activity) {
  Windows out;
  merge.poll(activity, [&](const ClosedWindow& window) {
    out[window.bounds] = {window.counts.begin(), window.counts.end()};
  });
  return out;
}

// An owner that has added two partials and polled: counts in its open
// panes (and, sliding, its closed ones), a delta waiting beyond them, its
// three partitions heard from, totals.
MergeCheckpoint checkpoint_of(const WindowSpec& spec) {
  StreamMerge owner(spec, kCounters, kReferenceVersion, kFingerprint, kIdleMs, kReportMs);
  owner.set_partition_count(3);
  owner.add(partial_of({progress(0, 3, 1'050), progress(1, 2, 1'020)},
                       {{1'050, 1}, {1'020, 2}, {990, 3}}, spec.slide().count()),
            0);
  poll_windows(owner, 0);
  owner.add(partial_of({progress(1, 4, 1'310), progress(2, 1, 1'100)}, {{1'310, 0}, {1'100, 1}},
                       spec.slide().count()),
            10);
  poll_windows(owner, 10);
  MergeCheckpoint checkpoint = owner.checkpoint();
  checkpoint.next_partials_offset = 2;
  return checkpoint;
}

TEST_CASE("restore refuses a checkpoint of another reference, layout, counters or window spec, "
          "changing nothing") {
  using Catch::Matchers::Contains;
  const WindowSpec tumbling = WindowSpec::tumbling(milliseconds(100), TimeDomain::event_time);
  const WindowSpec sliding = WindowSpec::sliding(milliseconds(300), milliseconds(100),
                                                 TimeDomain::event_time, milliseconds(50));
  const MergeCheckpoint checkpoint = checkpoint_of(tumbling);
  REQUIRE_FALSE(checkpoint.waiting.empty());
  REQUIRE(checkpoint.source.size() == 3);
  REQUIRE(checkpoint.partition_count == 3);
  REQUIRE(checkpoint.windows.first_open_pane == 10);
  REQUIRE(std::any_of(checkpoint.windows.counts.begin(), checkpoint.windows.counts.end(),
                      [](uint64_t count) { return count != 0; }));

  StreamMerge other_reference(tumbling, kCounters, kReferenceVersion + 1, kFingerprint, kIdleMs, kReportMs);
  CHECK_THROWS_WITH(other_reference.restore(checkpoint, 0),
                    Contains("merge checkpoint of reference version 3, the owner's is 4"));
  StreamMerge other_layout(tumbling, kCounters, kReferenceVersion, kFingerprint + 1, kIdleMs, kReportMs);
  CHECK_THROWS_WITH(other_layout.restore(checkpoint, 0),
                    Contains("merge checkpoint of another counter layout"));
  StreamMerge other_counters(tumbling, kCounters + 1, kReferenceVersion, kFingerprint, kIdleMs, kReportMs);
  CHECK_THROWS_WITH(other_counters.restore(checkpoint, 0),
                    Contains("merge checkpoint of 5 counters, the owner has 6"));

  StreamMerge owner(tumbling, kCounters, kReferenceVersion, kFingerprint, kIdleMs, kReportMs);
  // Two closed panes a window of one pane cannot have.
  const MergeCheckpoint of_sliding = checkpoint_of(sliding);
  REQUIRE(of_sliding.windows.first_open_pane - of_sliding.windows.first_pane == 2);
  CHECK_THROWS_WITH(owner.restore(of_sliding, 0), Contains("does not fit this window spec"));
  MergeCheckpoint invalid = checkpoint;
  invalid.waiting[0].deltas.push_back(1);
  CHECK_THROWS_WITH(owner.restore(invalid, 0),
                    Contains("invalid merge checkpoint: waiting pane 13: 6 deltas, not 5"));
  invalid = checkpoint;
  invalid.source[2].partition = 3;
  CHECK_THROWS_WITH(owner.restore(invalid, 0), Contains("partition 3: not one of the 3"));

  // Still fresh: the checkpoint that fits restores, and is what the
  // restored owner's checkpoint gives back.
  owner.restore(checkpoint, 0);
  MergeCheckpoint again = owner.checkpoint();
  again.next_partials_offset = checkpoint.next_partials_offset;
  CHECK(again == checkpoint);
}

TEST_CASE("a restored owner re-derives its watermark from the partitions, holding a whole "
          "idle_timeout again") {
  const WindowSpec spec = WindowSpec::tumbling(milliseconds(100), TimeDomain::event_time);
  const auto partial = [](std::vector<PartitionProgress> partitions, std::vector<Event> events) {
    return partial_of(std::move(partitions), events, 100);
  };
  StreamMerge old_owner(spec, kCounters, kReferenceVersion, kFingerprint, kIdleMs, kReportMs);
  old_owner.set_partition_count(2);
  old_owner.add(partial({progress(0, 1, 1'050), progress(1, 1, 1'020)}, {{1'050, 1}, {1'020, 2}}),
                0);
  Windows emitted = poll_windows(old_owner, 0);
  CHECK(emitted.empty());  // both partitions hold: the watermark is at 1'020
  // Partition 1 delivers, 0 stays quiet: once 0 is idle, the watermark
  // follows partition 1.
  for (int64_t k = 1; k <= 15; ++k) {
    old_owner.add(partial({progress(0, 1, 1'050), progress(1, 1 + k, 1'020 + 40 * k)},
                          {{1'020 + 40 * k, static_cast<std::size_t>(k) % kBins}}),
                  100 * k);
    for (auto& [bounds, counts] : poll_windows(old_owner, 100 * k)) emitted[bounds] = counts;
  }
  REQUIRE(emitted.size() == 6);  // [1'000, 1'100) to [1'500, 1'600): the watermark is at 1'620
  REQUIRE(emitted.rbegin()->first.end == 1'600);

  const MergeCheckpoint checkpoint = old_owner.checkpoint();
  REQUIRE(checkpoint.windows.first_open_pane == 16);
  StreamMerge new_owner(spec, kCounters, kReferenceVersion, kFingerprint, kIdleMs, kReportMs);
  const int64_t restored_at = 5'000;
  new_owner.restore(decode_merge_checkpoint(encode_merge_checkpoint(checkpoint)), restored_at);
  // Its watermark comes back as the frontier of partitions that all hold
  // again (1'050, partition 0's time): below the checkpoint's first open
  // pane, it closes nothing, emits nothing again.
  CHECK(poll_windows(new_owner, restored_at).empty());

  const PanePartial next =
      partial({progress(0, 1, 1'050), progress(1, 17, 1'700)}, {{1'650, 0}, {1'690, 3}});
  old_owner.add(next, 1'600);
  new_owner.add(next, restored_at + 10);
  const Windows old_windows = poll_windows(old_owner, 1'600);
  REQUIRE(old_windows.size() == 1);  // partition 0 is idle for the old owner
  CHECK(old_windows.begin()->first == Interval{1'600, 1'700});
  // The new owner holds for partition 0 a whole idle_timeout from the
  // restore, then closes the same window with the same counts.
  CHECK(poll_windows(new_owner, restored_at + 10).empty());
  CHECK(poll_windows(new_owner, restored_at + kIdleMs - 1).empty());
  CHECK(poll_windows(new_owner, restored_at + kIdleMs) == old_windows);
  CHECK(new_owner.totals() == old_owner.totals());
  CHECK(new_owner.source().entries() == old_owner.source().entries());
}

TEST_CASE("a restored owner holds time for the partitions its checkpoint counted, heard from "
          "or not") {
  const WindowSpec spec = WindowSpec::tumbling(milliseconds(100), TimeDomain::event_time);
  StreamMerge old_owner(spec, kCounters, kReferenceVersion, kFingerprint, kIdleMs, kReportMs);
  old_owner.set_partition_count(3);  // partition 2's holder has not cut yet
  old_owner.add(partial_of({progress(0, 1, 1'050), progress(1, 1, 1'020)}, {{1'050, 1}}, 100), 0);
  CHECK(poll_windows(old_owner, 10 * kIdleMs).empty());
  const MergeCheckpoint checkpoint = old_owner.checkpoint();
  REQUIRE(checkpoint.partition_count == 3);
  REQUIRE(checkpoint.source.size() == 2);

  // Before the new owner's metadata says how many partitions there are.
  StreamMerge new_owner(spec, kCounters, kReferenceVersion, kFingerprint, kIdleMs, kReportMs);
  new_owner.restore(checkpoint, 0);
  CHECK(new_owner.source().partition_count() == 3);
  new_owner.add(partial_of({progress(0, 2, 5'000), progress(1, 2, 5'000)}, {{4'990, 0}}, 100), 10);
  CHECK(poll_windows(new_owner, 10 * kIdleMs).empty());  // partition 2 holds at the beginning
  new_owner.add(partial_of({progress(2, 1, 5'000)}, {{1'010, 2}}, 100), 10 * kIdleMs);
  const Windows windows = poll_windows(new_owner, 20 * kIdleMs);
  REQUIRE(windows.size() == 2);
  CHECK(windows.begin()->second == std::vector<uint64_t>{2, 0, 1, 1, 0});  // none late
}

}  // namespace
}  // namespace driftd::cluster
