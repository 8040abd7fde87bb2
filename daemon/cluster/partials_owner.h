// PartialsOwner: a member of cluster mode's owners' group. It consumes the
// partials topic (read_committed) for the partitions the group assigns it,
// so it owns the streams whose keys map there: it adds each stream's
// partials up (StreamMerge), evaluates every window that closes against the
// stream's references, runs the stream's alert rules (StreamAlerts), and
// produces each window's result (window_result.h: the merged counts and the
// alert changes, keyed by the stream) to the results topic in one
// transaction with the partials offsets it consumed (CutPublisher).
//
// Not built yet (issue 15): the owner's checkpoint in the state topic, so
// this owner cannot fail over: partitions it loses are dropped with their
// open windows, and an aborted results transaction leaves it unusable
// (failed() says so). Until then cluster mode stays refused by driftd.
//
// Thread safety: one thread (the owner's loop).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cluster/cut_publisher.h"
#include "cluster/stream_merge.h"
#include "common/clock.h"
#include "config/config.h"
#include "kafka/activity_clock.h"
#include "kafka/client_log.h"
#include "pipeline/alert_change.h"
#include "pipeline/counter_layout.h"
#include "pipeline/stream_alerts.h"
#include "pipeline/stream_references.h"
#include "pipeline/window_evaluator.h"

struct rd_kafka_s;

namespace driftd::cluster {

// A stream the owner may own: its configuration (outliving the owner), the
// references its instances bin with, their version, and how many partitions
// its source topic has.
struct OwnedStreamSpec {
  const config::StreamConfig* config = nullptr;
  StreamReferences references;
  int64_t reference_version = 0;
  int32_t source_partitions = 0;
};

// One closed window of an owned stream, as evaluated and alerted on.
struct OwnedWindow {
  const config::StreamConfig* stream = nullptr;
  std::span<const uint64_t> counts;  // valid during the callback
  Interval bounds;
  uint64_t late = 0;  // events found late since the stream's previous window
  const WindowEvaluation* evaluation = nullptr;
  std::vector<AlertChange> changes;
};

struct OwnerCounters {
  uint64_t partials = 0;
  uint64_t malformed_partials = 0;  // not decodable
  uint64_t unknown_streams = 0;     // partials of a stream not configured here
  uint64_t rejected = 0;            // another reference version or layout
  uint64_t windows = 0;
  uint64_t transactions = 0;
};

class PartialsOwner {
 public:
  // Joins `cluster.owner_group_id` on `cluster.partials_topic`; `results`
  // (a transactional producer on cluster.results_topic, outliving this)
  // publishes; `owner` names this instance in the results; `clock` (its
  // steady time drives the activity clock) must outlive this. Throws
  // config::ConfigError for a property librdkafka refuses.
  PartialsOwner(const config::KafkaConfig& kafka, const config::ClusterConfig& cluster,
                std::vector<OwnedStreamSpec> streams, CutPublisher& results, std::string owner,
                const Clock& clock = Clock::system());
  ~PartialsOwner();
  PartialsOwner(const PartialsOwner&) = delete;
  PartialsOwner& operator=(const PartialsOwner&) = delete;

  // One step: waits up to `wait` for partials, adds them, closes the windows
  // they allow (calling on_window for each, if given), and commits their
  // results with the partials offsets consumed. Returns false once failed().
  using OnWindow = std::function<void(const OwnedWindow&)>;
  bool step(std::chrono::milliseconds wait, const OnWindow& on_window = {});

  // Leaves the owners' group.
  void close();

  const OwnerCounters& counters() const { return counters_; }
  // Why the owner can no longer go on (an aborted or fenced transaction).
  const std::optional<std::string>& failed() const { return failed_; }

 private:
  struct Owned {
    OwnedStreamSpec spec;
    std::unique_ptr<CounterLayout> layout;
    std::unique_ptr<StreamMerge> merge;
    std::unique_ptr<StreamAlerts> alerts;
    uint64_t late_reported = 0;
  };
  Owned* stream_named(const std::string& name);

  struct HandleDeleter {
    void operator()(rd_kafka_s* handle) const;
  };

  const std::string topic_;
  std::vector<Owned> streams_;
  CutPublisher& results_;
  const std::string owner_;
  const Clock& clock_;
  kafka::ClientLog client_log_;
  std::unique_ptr<rd_kafka_s, HandleDeleter> consumer_;
  kafka::ActivityClock activity_;
  // By partials partition: the next offset to commit, after the last step.
  std::map<int32_t, int64_t> consumed_;
  OwnerCounters counters_;
  std::optional<std::string> failed_;
  bool closed_ = false;
};

}  // namespace driftd::cluster
