// InstanceCuts: an instance's cuts in cluster mode. A cut takes, with the
// consumer threads paused at a batch boundary, everything each stream
// recorded since the previous cut (StreamRuntime::cut), pane by pane, with
// the progress of the source partitions this member holds, and publishes
// one pane partial per stream (preceded by its spooled rows while it has no
// reference) together with the offsets they cover in one Kafka transaction
// (CutPublisher). The consumer threads stay paused until
// the transaction is settled, so after an aborted one the streams' partitions
// go back to the previous cut's positions and latest event times
// (KafkaSource::rewind) and what the cut covered is read and counted again:
// nothing is lost or counted twice. A fenced producer (this instance's id
// taken over elsewhere) stops the cuts for good: the instance must leave.
//
// The source calls it too (kafka::ClusterCuts): a cut before partitions are
// revoked, and a discard when the assignment was lost.
//
// Thread safety: cut() from the window manager thread; the ClusterCuts
// calls from the source's thread 0 in a rebalance. The two never overlap
// (a rebalance waits for the manager's pause to end, and the manager's pause
// for the rebalance); mutex_ makes the state's ownership explicit.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "cluster/cut_publisher.h"
#include "common/clock.h"
#include "kafka/kafka_source.h"
#include "pipeline/stream_runtime.h"

namespace driftd::cluster {

struct CutCounters {
  uint64_t committed = 0;
  uint64_t aborted = 0;
  uint64_t discarded = 0;  // cuts thrown away after a lost assignment
  uint64_t partial_bytes = 0;
};

class InstanceCuts : public kafka::ClusterCuts {
 public:
  // `streams`: the instance's streams (WindowRole::cluster_instance, all
  // read from the source), each binned with `reference_versions[i]`;
  // `producer`: this instance's id, named in its partials. `publisher` and
  // `clock` (the processing time of the source's cuts) must outlive this.
  InstanceCuts(std::vector<StreamRuntime*> streams, std::vector<int64_t> reference_versions,
               CutPublisher& publisher, std::string producer,
               const Clock& clock = Clock::system());

  // REQUIRES: before the source starts; the source outlives this.
  void attach(kafka::KafkaSource& source) { source_ = &source; }

  // Stream `stream` (an index into `streams`) bins with `version` from now
  // on: a captured reference just installed. A capture stream cuts its
  // spooled rows (capture_rows.h) until then, and its partials name
  // version 0. REQUIRES: the window manager thread.
  void set_reference_version(std::size_t stream, int64_t version);
  // Stream `stream` switches to `references` (reference version `version`)
  // from `from_ms` on (reference_timeline.h): at the next cut, with the
  // consumers parked, after what was recorded before it is taken
  // (StreamRuntime::schedule_references()); from then on each cut produces
  // a partial per binning, each naming its version. Switches scheduled
  // before are applied first, in order (each completing the one before).
  // REQUIRES: the window manager thread; the stream monitoring (a captured
  // reference installed); from_ms after the switches scheduled before.
  void schedule_switch(std::size_t stream, StreamReferences references, int64_t version,
                       int64_t from_ms);

  // The periodic cut at clock `now_ms` (processing-time panes): pauses the
  // source for its duration.
  CutPublisher::Result cut(int64_t now_ms);

  // kafka::ClusterCuts (the source's thread 0, consumer threads parked).
  void cut_before_revoke() override;
  void discard_since_cut() override;

  CutCounters counters() const;
  bool fenced() const;

 private:
  // A cut while the consumer threads are parked.
  CutPublisher::Result cut_parked(int64_t now_ms);
  // Every stream back to the last committed cut's positions.
  void rewind_all();

  const std::vector<StreamRuntime*> streams_;
  std::vector<int64_t> reference_versions_;  // guarded by mutex_
  // By stream: the version binned from a scheduled switch on (0: none).
  std::vector<int64_t> successor_versions_;  // guarded by mutex_
  struct PendingSwitch {
    StreamReferences references;
    int64_t version = 0;
    int64_t from_ms = 0;
  };
  std::vector<std::vector<PendingSwitch>> pending_switches_;  // guarded by mutex_
  CutPublisher& publisher_;
  const std::string producer_;
  const Clock& clock_;
  kafka::KafkaSource* source_ = nullptr;

  mutable std::mutex mutex_;
  uint64_t sequence_ = 0;
  bool fenced_ = false;
  CutCounters counters_;
  // By stream and partition: where the last committed cut left it (cleared
  // when partitions leave: then the group's committed offsets are asked).
  std::vector<std::map<int32_t, kafka::RewindPoint>> committed_;
};

}  // namespace driftd::cluster
