// A stream's owner failing over (stream_merge.h, "Checkpoints"): owners
// checkpoint at random moments, through the bytes of merge_checkpoint.h,
// and fail at random moments; the next owner restores the last checkpoint
// and adds the partials after it again, as a new owner reads the partials
// topic from the offset the checkpoint names. Across all owners every
// window is emitted once after dedup, equal to the truth, none late, and a
// window emitted again (by an owner after the one that emitted it failed
// before its next checkpoint) is identical.
#include <chrono>
#include <cstdint>
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
                                           kFingerprint, kIdleMs);
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

}  // namespace
}  // namespace driftd::cluster
