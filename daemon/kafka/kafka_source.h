// driftd's Kafka source: one librdkafka high-level consumer in the
// configured group (rebalance protocol per consumer_config.h), subscribed to
// the topics of every Kafka stream, and `kafka.threads` consumer threads
// that poll batches of messages and have each decoded and recorded by the
// streams of its topic (each thread as its own writer index of each stream).
//
// Consumer threads: thread 0 polls the consumer queue, which also serves
// librdkafka's callbacks (rebalances, errors, statistics, commits). With
// more than one thread, each assigned partition's queue is forwarded
// (rd_kafka_queue_forward) to the queue of one thread -- the one with the
// fewest partitions at assignment, thread 0's being the consumer queue -- so
// every partition is read by exactly one thread, in order. A rebalance is
// applied by thread 0 while the others are parked at a batch boundary.
//
// The reliability protocol (docs/architecture.md):
// - Positions: per stream and partition, the next offset not yet counted
//   (StreamPositions). On assignment each partition is sought to the
//   smallest position its topic's streams stored in SQLite (else the group's
//   committed offset, then auto.offset.reset); a message a stream counted
//   before is skipped.
// - The cut: the window manager pauses every consumer thread at a batch
//   boundary (pause()), closes the windows that are due, takes the
//   checkpoint of the open ones and the positions (positions()) -- which
//   then cover exactly the same messages -- and lets them go. It writes all
//   three in one SQLite transaction and, after COMMIT, reports them
//   durable(). Only durable positions are committed to Kafka
//   (asynchronously, by thread 0 at its next batch boundary, for the
//   partitions this member still owns). Kafka's committed offsets serve lag
//   monitoring and the fallback for a partition SQLite knows nothing of;
//   SQLite is the truth.
// - Event time: a batch from one partition raises a stream's watermark no
//   further than the partitions that hold allow (PartitionTimes, shared by
//   the threads: those with messages to read or quiet for less than
//   event_time.idle_timeout on the activity clock, which runs while batches
//   arrive); every 100 ms thread 0 raises it to where they allow without a
//   batch.
//
// Readiness (problem()): no broker reachable, a fatal client error, then
// what ConsumerHealth decides (a missing topic, no assignment, no progress).
// librdkafka's log lines and errors are printed through ClientLog: one line
// per event in driftd's wording, repeats held back.
//
// Thread safety: start(), stop() and close() from one thread (main);
// pause(), positions() and durable() from the window manager thread;
// counters() and problem() from any thread. The pause handshake is a
// BatchBoundaryGate (its invariants are in its header); what the consumer
// threads share while they run is in PartitionTimes, StreamPositions and
// atomics.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "config/config.h"
#include "kafka/activity_clock.h"
#include "kafka/batch_boundary_gate.h"
#include "kafka/consumer_health.h"
#include "kafka/partition_times.h"
#include "kafka/client_log.h"
#include "kafka/stream_positions.h"
#include "pipeline/source_position.h"
#include "pipeline/stream_runtime.h"

struct rd_kafka_message_s;
struct rd_kafka_queue_s;
struct rd_kafka_topic_partition_list_s;
struct rd_kafka_consumer_group_metadata_s;

namespace driftd::kafka {

// Cluster mode (docs/architecture.md, "Cluster mode"): the instance's cuts
// commit the offsets, in the transactions that produce its partials; the
// source asks for a cut before partitions leave this member. Called on
// thread 0 in a rebalance, every consumer thread parked.
class ClusterCuts {
 public:
  virtual ~ClusterCuts() = default;
  // Partitions are about to be revoked: cut now, so whoever reads them next
  // starts where this member stopped.
  virtual void cut_before_revoke() = 0;
  // The assignment was lost (the group went on without this member): what
  // the streams recorded since the last cut covers events the new holders
  // read again, so it is discarded.
  virtual void discard_since_cut() = 0;
};

// A partition of a stream's topic as a cluster cut reports it.
struct PartitionState {
  int32_t partition = 0;
  // The next offset to count; nullopt when unknown (the broker did not say
  // where the partition starts when it was assigned).
  std::optional<int64_t> next_offset;
  int64_t latest_ms = INT64_MIN;  // the latest event time read (INT64_MIN: none)
  bool behind = true;             // messages left to read
};

// Where a partition goes back to after an aborted cut.
struct RewindPoint {
  int32_t partition = 0;
  std::optional<int64_t> next_offset;  // nullopt: the group's committed offset
  int64_t latest_ms = INT64_MIN;
};

// Readable from any thread (relaxed: statistics).
struct KafkaCounters {
  std::atomic<uint64_t> messages{0};  // messages delivered to streams' topics
  std::atomic<uint64_t> errors{0};    // consumer and client errors reported
  std::atomic<uint64_t> rebalances{0};
  std::atomic<uint64_t> offset_commits{0};
  std::atomic<uint64_t> offset_commit_failures{0};
  std::atomic<uint64_t> poll_nanoseconds{0};     // in librdkafka, fetching batches
  std::atomic<uint64_t> process_nanoseconds{0};  // decoding and recording them
  std::atomic<int64_t> consumer_lag{0};          // from the latest statistics
  std::atomic<int> brokers_up{0};                // from the latest statistics
};

// One consumer thread's share, readable from any thread (statistics).
struct ConsumerThreadStatus {
  uint64_t messages = 0;       // delivered to it so far
  std::size_t partitions = 0;  // assigned to it now
};

class KafkaSource {
 public:
  // `streams`: the runtimes whose source is Kafka. The consumer threads
  // record as writers first_writer .. first_writer + kafka.threads - 1:
  // each stream must have been built with that many more writers. `group_instance_id`: join as a static member under this id
  // (instance_id.h); nullopt: a dynamic member, unless kafka.properties
  // sets one. Logs the membership used. Throws config::ConfigError for a
  // property librdkafka refuses (see consumer_config.h).
  // `cluster`: cluster mode's cuts (must outlive the source); nullptr for one
  // instance on its own, whose positions are SQLite's.
  KafkaSource(const config::KafkaConfig& kafka, std::vector<StreamRuntime*> streams,
              std::size_t first_writer,
              const std::optional<std::string>& group_instance_id = {},
              ClusterCuts* cluster = nullptr);
  ~KafkaSource();
  KafkaSource(const KafkaSource&) = delete;
  KafkaSource& operator=(const KafkaSource&) = delete;

  // Installs a stream's positions stored in SQLite. Ignored for a stream
  // that is not a Kafka stream. REQUIRES: before start().
  void restore(const StreamRuntime& stream, std::span<const SourcePosition> stored);
  // Subscribes and starts the consumer threads. REQUIRES: the streams'
  // references and checkpoints are installed (the window manager started).
  void start();
  // The consumer threads stop at a batch boundary: nothing is recorded any
  // more. Positions stay readable.
  void stop();
  // After the last commit: commits the durable offsets to Kafka (waiting)
  // and leaves the group. REQUIRES: stop() was called.
  void close();

  // ---- Window manager ---------------------------------------------------------
  // While a Pause lives every consumer thread waits at a batch boundary (or
  // has stopped): everything they consumed is recorded, nothing more is.
  class [[nodiscard]] Pause {
   public:
    explicit Pause(KafkaSource* source) : source_(source) {}
    Pause(Pause&& other) noexcept : source_(std::exchange(other.source_, nullptr)) {}
    Pause& operator=(Pause&&) = delete;
    ~Pause() {
      if (source_ != nullptr) source_->gate_.resume();
    }

   private:
    KafkaSource* source_;
  };
  Pause pause();
  // The positions of `stream` (nullopt: not a Kafka stream).
  // REQUIRES: paused or stopped.
  std::optional<std::vector<SourcePosition>> positions(const StreamRuntime& stream) const;
  // `positions` of `stream` are committed to SQLite.
  void durable(const StreamRuntime& stream, std::vector<SourcePosition> positions);

  // ---- Cluster mode (paused, or in a ClusterCuts call) ------------------------
  // The partitions of `stream`'s topic assigned to this member now.
  std::vector<PartitionState> partition_states(const StreamRuntime& stream) const;
  // The consumer's group metadata for send_offsets_to_transaction(); the
  // caller destroys it (rd_kafka_consumer_group_metadata_destroy).
  rd_kafka_consumer_group_metadata_s* group_metadata() const;
  // After an aborted cut: `stream` goes back to each point (position and
  // latest event time) in its topic and the consumer seeks there, so what
  // the cut covered is read again. Partitions not assigned are skipped.
  // Every stream of a topic is rewound to the same offsets (in cluster mode
  // they read the same messages).
  void rewind(const StreamRuntime& stream, std::span<const RewindPoint> points);

  // ---- Status -----------------------------------------------------------------
  const KafkaCounters& counters() const { return counters_; }
  // By consumer thread (kafka.threads of them).
  std::vector<ConsumerThreadStatus> consumer_threads() const;
  // Why the source is degraded (no broker reachable, a fatal client error, a
  // subscribed topic missing, no partitions assigned, assigned partitions
  // not consumed: see consumer_health.h), or nullopt when it is healthy.
  std::optional<std::string> problem() const;

 private:
  struct Topic {
    std::string name;
    std::vector<std::size_t> streams;  // indices into streams_
    // Partitions owned now, and the consumer thread reading each (changed
    // by thread 0's rebalances, the other threads parked).
    std::vector<int32_t> assigned;
    std::vector<std::size_t> readers;
  };
  // One consumer thread: its writer index, its queue (thread 0: none, it
  // polls the consumer queue) and its reused buffers.
  struct Consumer {
    std::size_t index = 0;
    std::size_t writer = 0;
    rd_kafka_queue_s* queue = nullptr;  // owned; destroyed by close()
    std::vector<std::vector<SourceDocument>> documents;  // by stream, reused per run
    // Published for consumer_threads() (relaxed): the partitions it reads
    // (topics' readers, counted after each rebalance) and the messages it
    // delivered.
    std::atomic<std::size_t> partitions{0};
    std::atomic<uint64_t> messages{0};
    std::thread thread;
  };
  struct Handle;

  void run(Consumer& consumer);
  void process_batch(Consumer& consumer, std::vector<rd_kafka_message_s*>& messages);
  // Has the streams of `topic` record the documents `consumer` gathered from
  // one run of messages of `partition`.
  void record_run(Consumer& consumer, const Topic& topic, int32_t partition, int64_t now_ms,
                  int64_t activity);
  // Whether `stream` still has messages to read in `partition`.
  bool behind(std::size_t stream, int32_t partition) const;
  // Raises each event-time stream's watermark to its partitions' frontier
  // (PartitionTimes) when that moved without a batch. Thread 0.
  void raise_frontiers();
  void commit_durable_offsets(bool wait);
  std::optional<int64_t> start_offset(const Topic& topic, int32_t partition) const;
  // Cluster mode: where each newly assigned partition starts, by index in
  // `partitions`: the group's committed offset, else the partition's first
  // (nullopt when the broker did not say). Thread 0, in a rebalance.
  std::vector<std::optional<int64_t>> group_starts(
      const rd_kafka_topic_partition_list_s* partitions);
  // Picks the consumer thread that reads a newly assigned partition (the one
  // reading fewest) and routes the partition's messages to its queue.
  std::size_t route(const Topic& topic, int32_t partition);
  // By consumer thread: the partitions it reads now (topics' readers).
  std::vector<std::size_t> partitions_by_consumer() const;
  Topic* find_topic(const char* name);
  std::size_t stream_index(const StreamRuntime& stream) const;  // streams_.size(): none

  // librdkafka callbacks (served on thread 0, or in close()).
  void on_rebalance(int error, rd_kafka_topic_partition_list_s* partitions);
  void apply_rebalance(int error, rd_kafka_topic_partition_list_s* partitions);
  void on_error(int error, const char* reason);
  void on_stats(const char* json, std::size_t length);
  void on_offset_commit(int error);
  friend struct Callbacks;

  const config::KafkaConfig config_;
  ClusterCuts* const cluster_;  // nullptr: one instance on its own
  std::vector<StreamRuntime*> streams_;
  std::vector<Topic> topics_;
  std::vector<std::string> topic_names_;  // subscribed; immutable after construction
  std::unique_ptr<Handle> handle_;
  KafkaCounters counters_;
  std::vector<std::unique_ptr<Consumer>> consumers_;  // kafka.threads, from construction

  // Shared by the consumer threads (see the headers); resized only while
  // they are parked or not running.
  std::vector<StreamPositions> positions_;  // by stream
  std::vector<PartitionTimes> times_;       // by stream
  // Thread 0 only: by stream, the frontier last raised to.
  std::vector<int64_t> frontiers_;
  // The clock partitions go idle by (PartitionTimes), counted by every
  // thread's batches.
  ActivityClock activity_;

  BatchBoundaryGate gate_;
  std::atomic<bool> stopping_{false};

  // Durable positions, from the window manager to thread 0.
  std::mutex durable_mutex_;
  std::vector<std::vector<SourcePosition>> durable_;  // by stream; guarded
  std::atomic<bool> durable_changed_{false};

  mutable std::mutex problem_mutex_;
  std::optional<std::string> fatal_;  // guarded by problem_mutex_
  std::atomic<bool> all_brokers_down_{false};
  ConsumerHealth health_;  // thread-safe
  ClientLog client_log_;   // thread-safe
};

}  // namespace driftd::kafka
