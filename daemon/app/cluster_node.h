// ClusterNode: what one driftd instance runs in cluster mode
// (docs/architecture.md, "Cluster mode") besides its HTTP API and its Kafka
// source:
//   - its cuts (cluster::InstanceCuts): every cluster.commit_interval, on
//     the window manager's thread, what the streams recorded goes to the
//     partials topic with the source offsets, in one transaction;
//   - a stream owner (cluster::PartialsOwner) on a thread of its own, a
//     member of the owners' group: it merges the partials of the streams
//     the group gives it and publishes their windows and alert changes;
//   - the results topic written into this instance's SQLite
//     (cluster::ResultsMaterializer), on the window manager's thread, which
//     owns the SQLite writer.
// At construction it makes the internal topics that are missing and reads
// the source topics' partition counts. References: a stream with a
// reference file has every instance read the file, and its partials name a
// version derived from the reference's canonical bytes
// (cluster/reference_record.h), so instances with different files are told
// apart (their partials are rejected by the owner) rather than merged. A
// stream that captures its reference spools its rows to its owner until
// the owner publishes the captured reference to the references topic; the
// node follows that topic (cluster::ReferencesFollower: to its end at
// construction, then at every tick) and installs a stream's reference into
// its runtime, its cuts, the materializer and SQLite (reusing the stored
// one when it is the same), once: a later version is logged and installed
// at the next start. A reference switch (the topic's "<stream>/switch/<ms>"
// records, reference_timeline.h) goes to the materializer (its results'
// references) and, once the stream has its first reference, to the cuts,
// which apply it at their next cut: in time order, each once.
//
// Thread safety: construct, attach(), start_owner() and stop_owner() from
// the main thread; tick() from the window manager's thread; counters from
// any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/cluster_stream.h"
#include "cluster/cut_publisher.h"
#include "cluster/instance_cuts.h"
#include "cluster/partials_owner.h"
#include "cluster/reference_record.h"
#include "cluster/references_follower.h"
#include "cluster/results_materializer.h"
#include "common/clock.h"
#include "config/config.h"
#include "kafka/kafka_source.h"
#include "pipeline/stream_runtime.h"
#include "store/drift_store.h"

namespace driftd {

// What the node has done so far, for /metrics (cluster_metrics.h).
struct ClusterProgress {
  cluster::CutCounters cuts;
  cluster::OwnerCounters owner;
  cluster::MaterializerCounters results;
  int64_t results_next_offset = 0;
};

class ClusterNode {
 public:
  // REQUIRES: config.cluster and config.kafka set; every stream's
  // references installed but those captured (which it installs). `streams`,
  // `store` and `clock` outlive this.
  // Throws std::runtime_error (or config::ConfigError for a librdkafka
  // property) when the topics or the transactional producers cannot be
  // set up.
  ClusterNode(const config::Config& config, std::vector<std::unique_ptr<StreamRuntime>>& streams,
              store::DriftStore& store, const Clock& clock = Clock::system());
  ~ClusterNode();
  ClusterNode(const ClusterNode&) = delete;
  ClusterNode& operator=(const ClusterNode&) = delete;

  // REQUIRES: before the source starts; the source outlives this.
  void attach(kafka::KafkaSource& source) { cuts_.attach(source); }
  // What the source calls on rebalances (a cut before a revoke).
  kafka::ClusterCuts& cuts() { return cuts_; }
  // Starts the owner's thread.
  void start_owner();
  // Commits what the owner merged and leaves the owners' group. Idempotent.
  void stop_owner();

  // Window manager thread: a cut when commit_interval has passed since the
  // last one (or `final`), then the results available, committed.
  cluster::Materialized tick(bool final);

  // Whether the cuts or the owner can no longer go on (a fenced producer:
  // this instance's id runs elsewhere); why. /readyz reports it.
  std::optional<std::string> failure() const;
  // `handler` is called once, from tick() (the window manager's thread),
  // when failure() first says something. Such an instance must leave the
  // groups: its partitions, which it can no longer cut, and its streams,
  // whose windows it can no longer publish, would hold every instance's
  // windows back while it stays. REQUIRES: before the window manager starts.
  void on_failure(std::function<void(const std::string&)> handler) {
    on_failure_ = std::move(handler);
  }
  // Any thread: a snapshot of the counters (the owner's as of its last
  // step, the results' as of the last tick).
  ClusterProgress progress() const;

 private:
  // A record of the references topic: a stream's captured reference
  // (install_captured()) or a switch.
  void follow(const cluster::KeyedRecord& record);
  // Installs stream s's captured reference if it is its first.
  void install_captured(std::size_t s, const cluster::KeyedRecord& record);
  // Hands stream s's switches after those handed before to the cuts, once
  // its runtime monitors.
  void schedule_switches(std::size_t s);

  const config::Config& config_;
  const Clock& clock_;
  const std::string instance_id_;
  std::vector<StreamRuntime*> runtimes_;
  store::DriftStore& store_;
  std::vector<cluster::ClusterStream> cluster_streams_;
  cluster::ReferencesFollower references_follower_;
  std::vector<int64_t> installed_versions_;  // captured references, by stream (0: none yet)
  // By stream: its switches by time, and the time of the last one handed
  // to the cuts.
  std::vector<std::map<int64_t, cluster::ReferenceRecord>> switches_;
  std::vector<int64_t> scheduled_until_;
  cluster::CutPublisher cut_publisher_;
  cluster::InstanceCuts cuts_;
  cluster::CutPublisher results_publisher_;
  std::unique_ptr<cluster::PartialsOwner> owner_;
  cluster::ResultsMaterializer materializer_;
  Clock::SteadyTime last_cut_;
  std::function<void(const std::string&)> on_failure_;
  bool failure_reported_ = false;  // window manager's thread

  std::thread owner_thread_;
  std::atomic<bool> stopping_{false};
  // Guards what other threads read: the owner thread's failure and
  // counters, the window manager's results counters.
  mutable std::mutex mutex_;
  std::optional<std::string> owner_failure_;     // guarded by mutex_
  cluster::OwnerCounters owner_counters_;        // guarded by mutex_
  cluster::MaterializerCounters result_counters_;  // guarded by mutex_
  int64_t results_next_offset_ = 0;              // guarded by mutex_
};

}  // namespace driftd
