// Whether driftd's Kafka consumer consumes what it subscribed to, for
// /readyz: decided from what the source tells it (subscription, topics the
// broker says do not exist, assignments, statistics) and the time each
// arrives, read from a Clock so that tests control time.
//
// problem() names the first of these that holds (nullopt: none):
//   1. a subscribed topic does not exist: reported from librdkafka's errors
//      until a partition of it is assigned to this member;
//   2. no assignment yet: subscribed (or every partition revoked) for more
//      than kAssignmentGrace without the group handing out an assignment (an
//      empty one counts: the group gave the partitions to other members);
//   3. no progress: the latest statistics show assigned partitions with
//      messages not yet handed to driftd, and no message was delivered for
//      more than kStallLimit (measured from the later of the last delivery
//      seen, the subscription and the latest assignment).
// Topics are named in subscription order.
//
// Thread safety: every member may be called from any thread (one mutex);
// the source feeds it from its consumer thread and librdkafka's callbacks,
// /readyz reads problem().
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"

namespace driftd::kafka {

class ConsumerHealth {
 public:
  // The group's first assignment needs a join and a sync round trip, plus
  // the broker's group.initial.rebalance.delay.ms (3 s by default) for a
  // new group; 10 s leaves room for that without hiding a member that waits
  // for a dead one's 45 s session timeout.
  static constexpr std::chrono::seconds kAssignmentGrace{10};
  // Longer than a rebalance, a partition leader election or the window
  // manager's pauses take in normal operation, so that "no progress" means
  // the partitions are stuck, not busy.
  static constexpr std::chrono::seconds kStallLimit{30};

  // `topics`: the subscribed topics. `clock` must outlive this object.
  ConsumerHealth(std::vector<std::string> topics, const Clock& clock);

  // The consumer subscribed: an assignment is now awaited.
  void subscribed();
  // librdkafka says `topic` does not exist (ignored for a topic not subscribed).
  void topic_missing(const std::string& topic);
  // An assignment arrived; `owned`: the topics of which this member now
  // owns at least one partition (maybe none).
  void assigned(const std::vector<std::string>& owned);
  // Every partition was taken away (eager rebalance, lost assignment): an
  // assignment is awaited again.
  void unassigned();
  // From statistics: the running total of messages delivered, and per
  // topic the messages not yet handed to driftd (BrokerStats::unread).
  void statistics(uint64_t delivered, const std::map<std::string, int64_t>& unread);

  std::optional<std::string> problem() const;

 private:
  using Time = Clock::SteadyTime;

  // Subscribed topics among `names`, in subscription order, quoted and
  // joined: 'a', 'b'; with `unread`, each with its unread messages:
  // 'a' (120), 'b' (7). REQUIRES: mutex_ held.
  std::string list(const std::set<std::string>& names, bool unread) const;

  const std::vector<std::string> topics_;
  const Clock& clock_;

  mutable std::mutex mutex_;
  bool subscribed_ = false;                // guarded by mutex_
  bool assignment_ = false;                // guarded: one arrived since the wait began
  Time waiting_since_{};                   // guarded
  std::set<std::string> missing_;          // guarded
  std::optional<uint64_t> delivered_;      // guarded: the total at the latest statistics
  Time progress_at_{};                     // guarded: a delivery, subscription or assignment
  std::map<std::string, int64_t> unread_;  // guarded: from the latest statistics
};

}  // namespace driftd::kafka
