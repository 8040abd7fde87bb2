// The window manager: the one thread that owns the SQLite writer connection.
// At start it installs each stream's stored references (or leaves the stream
// capturing), open windows, alert states and Kafka positions; then, every
// tick, for every stream it closes the windows that are due, evaluates them,
// runs the alert rules and commits, in ONE transaction per stream, newly
// captured references, the closed windows with their alert changes, the
// checkpoint of the open windows and (Kafka streams) the source positions
// that checkpoint covers. Kafka streams are polled and checkpointed while
// the Kafka consumer is paused at a batch boundary, so windows, checkpoint
// and positions are one consistent cut; the transaction is written after
// the consumer resumed, and only then are the positions reported durable and
// the alert events published to subscribers.
// HTTP ingest answers held for durability (durable_acks.h) are answered
// after the commit whose checkpoint contains their events; holding one wakes
// the loop at once for the HTTP streams (the Kafka cut keeps its tick), so
// requests arriving during a commit are made durable together by the next.
// Between ticks it runs the writes other threads queued for the one SQLite
// connection (store::WriteQueue: webhook outbox and attempts, the alert
// topic's cursor, subscriptions). Every minute it applies storage.retention (old window rows folded into
// hourly, then daily rollups) and storage.event_retention (the delivered
// alert delivery log pruned). It pets the systemd watchdog from this loop, so
// a wedged pipeline gets the service restarted.
//
// Thread safety: start()/stop() from the main thread; everything else runs
// on the manager's own thread. The runtimes' manager-side methods are only
// called from here.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "alerts/alert_feed.h"
#include "app/cluster_node.h"
#include "common/clock.h"
#include "app/commit_coordinator.h"
#include "app/durable_acks.h"
#include "app/latency_histogram.h"
#include "app/latest_drift.h"
#include "config/config.h"
#include "kafka/kafka_source.h"
#include "pipeline/stream_runtime.h"
#include "store/drift_store.h"

namespace driftd {

class WindowManager {
 public:
  // `clock` decides what is due (windows, checkpoints, retention); the
  // loop itself is paced by the host's monotonic clock.
  WindowManager(const config::Config& config, store::DriftStore& store,
                std::vector<std::unique_ptr<StreamRuntime>>& streams,
                const Clock& clock = Clock::system());

  // The Kafka source of the Kafka streams, if any; start() installs their
  // stored positions into it. REQUIRES: before start().
  void set_kafka_source(kafka::KafkaSource* kafka) { kafka_ = kafka; }
  // Where committed alert events go (subscribers). REQUIRES: before start().
  void set_alert_feed(alerts::AlertFeed* feed) { alert_feed_ = feed; }
  // Cluster mode: every tick hands the cut and the results' commit to
  // `cluster` (cluster_node.h) instead of closing windows here; at start
  // only the references are installed (no checkpoint, positions or alert
  // states: those live in Kafka). REQUIRES: before start().
  void set_cluster(ClusterNode* cluster) { cluster_ = cluster; }
  ~WindowManager();

  // Loads references, open windows, open alerts and Kafka positions (on the
  // calling thread, before any ingest; in cluster mode the references
  // only). Idempotent; start() does it if not done.
  void load();
  // load(), then starts the loop.
  void start();
  // Stops the loop after a last tick that closes what is due and
  // checkpoints the open windows; answers held for durability and not made
  // durable by it are answered "not durable"; writes queued for the store
  // after its last run are refused (store::WriterClosed). Idempotent.
  // REQUIRES: ingest has stopped.
  void stop();

  // Any thread: `answer` runs (on the manager thread) once the events that
  // writer batches of stream `stream_index` recorded before this call are
  // committed (true), or when that commit failed (false).
  // REQUIRES: the stream is monitoring; stream_index < number of streams.
  void ack_when_durable(std::size_t stream_index, DurableAcks::Answer answer);

  // Commits so far, and the failures (SQLite errors are logged and retried
  // at the next tick, never fatal to ingest).
  uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }
  uint64_t commit_failures() const { return commit_failures_.load(std::memory_order_relaxed); }
  // The duration of each window commit (for /metrics).
  const LatencyHistogram& commit_latency() const { return commit_latency_; }
  // Any thread: every feature's drift in its latest committed window.
  const LatestDrift& latest_drift() const { return latest_drift_; }
  // Alerts firing now, by severity (warn, critical), as of the last tick.
  uint64_t open_alerts(Severity severity) const {
    return open_alerts_[severity == Severity::kCritical ? 1 : 0].load(std::memory_order_relaxed);
  }
  // Streams whose last commit failed (their windows wait for a retry).
  uint64_t streams_behind() const { return streams_behind_.load(std::memory_order_relaxed); }
  // Any thread: the error of the last failed commit while a stream is
  // behind, empty otherwise.
  std::string commit_problem() const;
  // Any thread: why this cluster instance's part stopped (its producer was
  // fenced: its instance id runs elsewhere) until it is restarted; empty
  // when it runs, or out of cluster mode.
  std::string cluster_problem() const;

 private:
  // What a tick takes from a stream to commit: closed windows go to
  // pending_, the checkpoint (when due and possible) and its positions here.
  struct Cut {
    std::optional<StreamCheckpoint> checkpoint;
    std::vector<SourcePosition> positions;
    std::vector<DurableAcks::Answer> acks;  // taken before the cut; their fate: coordinator_
  };

  void run();
  // REQUIRES final: no writer runs any more (drain), so the checkpoint is
  // exact and must not be skipped.
  // with_kafka: also the Kafka streams (their cut pauses the consumer); the
  // early ticks that held answers ask for leave them to the regular tick.
  void tick(bool final, bool with_kafka);
  // Cluster mode's tick: the cut, then the results committed.
  void cluster_tick(bool final);
  // open_alerts_ from the streams' rule states.
  void count_open_alerts();
  void log_alert_changes(const config::StreamConfig& config, std::span<const AlertChange> changes);
  void load_stream(StreamRuntime& stream);
  // storage.retention: folds old window rows into rollups (store/retention.h);
  // storage.event_retention: prunes the delivered alert delivery log
  // (store/delivery_log_retention.h).
  void apply_retention();
  static constexpr std::chrono::minutes kRetentionInterval{1};
  // Closes the due windows and takes the cut. For a Kafka stream, REQUIRES
  // the consumer paused or stopped.
  // `cut` comes empty; when this throws, the answers it took are in it.
  void prepare(std::size_t stream_index, bool final, int64_t now, Cut& cut);
  // Writes the stream's transaction; throws when it failed. The cut's acks
  // are left for the caller to answer as the coordinator decides.
  CommitCoordinator::Outcome commit(std::size_t stream_index, Cut& cut);

  const config::Config& config_;
  store::DriftStore& store_;
  std::vector<std::unique_ptr<StreamRuntime>>& streams_;
  kafka::KafkaSource* kafka_ = nullptr;
  alerts::AlertFeed* alert_feed_ = nullptr;
  ClusterNode* cluster_ = nullptr;
  bool loaded_ = false;
  std::chrono::milliseconds tick_interval_{100};
  // Per stream; manager thread only. Closed windows not committed yet: kept
  // in order and retried at the next tick, so a transient SQLite error loses
  // nothing.
  std::vector<std::vector<store::WindowCommit>> pending_;
  std::vector<bool> references_unsaved_;  // captured, not yet stored
  const Clock& clock_;
  CommitCoordinator coordinator_;  // manager thread only

  DurableAcks acks_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;          // guarded by mutex_
  bool commit_requested_ = false;  // guarded by mutex_; answers are held
  bool writes_queued_ = false;     // guarded by mutex_; store_.writes() has jobs
  std::thread thread_;

  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> commit_failures_{0};
  LatencyHistogram commit_latency_;
  LatestDrift latest_drift_;
  std::array<std::atomic<uint64_t>, 2> open_alerts_{};  // warn, critical
  std::atomic<uint64_t> streams_behind_{0};
  mutable std::mutex problem_mutex_;
  std::string commit_problem_;   // guarded by problem_mutex_
  std::string cluster_problem_;  // guarded by problem_mutex_
};

}  // namespace driftd
