// ResultsMaterializer: every instance in cluster mode writes the results
// topic (window_result.h) into its own SQLite, so that history, /v1/alerts,
// server-sent events and driftctl answer the same on every instance.
//
// It reads the topic's one partition (kResultsPartition) read_committed,
// from the position SQLite holds, and commits each result in one SQLite
// transaction with the position after it (store::DriftStore::commit_result):
// a restart neither loses nor repeats one. A result's counts are evaluated
// here with the stream's references, with the code the owner ran, and its
// alert changes (the owner's) are recorded as they are: the alert events
// are numbered from the result's offset (alert_event_id) and dated with the
// record's timestamp, so every instance writes the same rows. Events of the
// results this instance published as the stream's owner are marked
// delivered here (webhooks, Alertmanager, the alert topic deliver those, so
// each event is delivered once); every instance serves every event.
//
// A captured reference (partials_owner.h) reaches every instance through
// the references topic (references_follower.h), which the owner writes in
// the transaction of the stream's first result: the instance gives it here
// with set_references(), and a result of a capture stream that has none yet
// waits for it (poll() stops at that result until then).
//
// A reference switch (reference_timeline.h): the instance gives here every
// version of a stream's timeline it learns of (add_references()); the first
// result of another version than the stream's current one is evaluated
// with that version's references, which become the stream's active ones in
// SQLite first (stored_references.h). A version not given is not fitting.
//
// A result that does not fit this instance (a stream not configured here,
// another reference version or counter layout, a change naming a subject or
// rule the stream does not have) or that does not decode is counted,
// logged, and skipped: its position is still committed. Results the topic
// deleted (its retention) before this instance read them are counted,
// logged, and skipped with their offsets' position, likewise.
//
// Thread safety: one thread, the SQLite writer's (the window manager's).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster/cluster_stream.h"
#include "common/clock.h"
#include "config/config.h"
#include "kafka/client_log.h"
#include "kafka/rdkafka_owned.h"
#include "pipeline/alert_change.h"
#include "pipeline/counter_layout.h"
#include "pipeline/window_evaluator.h"
#include "store/alert_event.h"
#include "store/drift_store.h"

struct rd_kafka_message_s;

namespace driftd::cluster {

// What one poll() committed: the alert events, in id order, to publish, and
// each window with its evaluation (for the latest-drift gauges).
struct MaterializedWindow {
  std::size_t stream = 0;  // index into the streams given
  WindowEvaluation evaluation;
  std::vector<AlertChange> changes;
};
struct Materialized {
  std::vector<store::AlertEvent> events;
  std::vector<MaterializedWindow> windows;
};

struct MaterializerCounters {
  uint64_t results = 0;    // committed to SQLite with their rows
  uint64_t skipped = 0;    // committed without rows: not decodable or not fitting
  uint64_t unknown_streams = 0;
  uint64_t malformed = 0;
  uint64_t not_fitting = 0;  // another reference version, layout, subject or rule
  // Offsets the topic had deleted (retention) before this instance stored
  // them: the results among them are missing from its history. An upper
  // bound: transaction markers take offsets too.
  uint64_t missed_offsets = 0;
};

class ResultsMaterializer {
 public:
  // Reads `cluster.results_topic` from the position `store` holds (its
  // beginning for a new database); `instance_id` is this instance's
  // kafka.instance_id (results whose owner it names are delivered here).
  // `streams` and `store` must outlive this. Throws config::ConfigError for
  // a property librdkafka refuses, std::runtime_error when the consumer
  // cannot be made.
  ResultsMaterializer(const config::KafkaConfig& kafka, const config::ClusterConfig& cluster,
                      const std::vector<ClusterStream>& streams, store::DriftStore& store,
                      std::string instance_id, const Clock& clock = Clock::system());
  ~ResultsMaterializer();
  ResultsMaterializer(const ResultsMaterializer&) = delete;
  ResultsMaterializer& operator=(const ResultsMaterializer&) = delete;

  // Commits the results available within `wait`, at most `limit`, and
  // returns what they brought. Throws what the store throws
  // (store::SqliteError), after rewinding to the last committed position:
  // the next call reads the failed result again.
  Materialized poll(std::chrono::milliseconds wait, std::size_t limit);

  // Stream `stream` (an index into `streams`) evaluates with `references`
  // of `version` from now on: a captured reference, stored (ids set).
  void set_references(std::size_t stream, std::shared_ptr<const StreamReferences> references,
                      int64_t version);
  // Stream `stream`'s results may name reference version `version`
  // (its timeline's first reference, or a switch): its references.
  void add_references(std::size_t stream, int64_t version,
                      std::shared_ptr<const StreamReferences> references);

  const MaterializerCounters& counters() const { return counters_; }
  // The next offset to read: everything before it is in SQLite.
  int64_t next_offset() const { return next_offset_; }

 private:
  struct Stream {
    const ClusterStream* spec;
    std::shared_ptr<const StreamReferences> references;  // none yet: a capture stream
    int64_t reference_version = 0;
    std::unique_ptr<CounterLayout> layout;
    // The versions its results may switch to (add_references()).
    std::map<int64_t, std::shared_ptr<const StreamReferences>> known;
  };
  Stream* stream_named(const std::string& name);
  // The stream's results switch to `version` (known): its references, active in SQLite.
  void switch_to(Stream& stream, int64_t version);
  // Seeks to the position SQLite holds.
  void rewind();
  // Reads from next_offset_.
  void assign();
  // The consumer found next_offset_ deleted: records in SQLite that the
  // results up to the topic's first offset are missed, and reads on from it.
  void skip_deleted();
  // Commits the result in `message`; false (nothing done) when its stream
  // waits for its captured reference.
  bool commit(const rd_kafka_message_s& message, Materialized& out);

  const std::string topic_;
  std::vector<Stream> streams_;
  store::DriftStore& store_;
  const std::string instance_id_;
  const Clock& clock_;
  kafka::ClientLog client_log_;
  kafka::Consumer consumer_;
  int64_t next_offset_ = 0;
  kafka::Message waiting_;  // the result whose stream waits for its reference
  MaterializerCounters counters_;
};

}  // namespace driftd::cluster
