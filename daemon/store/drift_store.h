// driftd's SQLite store: opens the database (WAL, synchronous as configured,
// migrations applied), and writes what the pipeline produces -- stream rows,
// reference distributions, and for each closed window ONE transaction with
// its per-feature metrics, histograms and alert changes.
//
// It holds driftd's one read-write connection. Other threads that write
// (webhooks, the Kafka alert publisher, the subscription API) queue their
// writes in writes(); the writer runs them with run_queued_writes().
//
// Thread safety: one DriftStore per process, used by the window manager
// thread only (the single writer), except writes(), which any thread may
// queue into. Readers open their own read-only connections (store/sqlite.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <sys/types.h>

#include "config/config.h"
#include "pipeline/alert_change.h"
#include "pipeline/feature_reference.h"
#include "pipeline/source_position.h"
#include "pipeline/stream_references.h"
#include "pipeline/window_evaluator.h"
#include "store/alert_event.h"
#include "store/sqlite.h"
#include "store/write_queue.h"

namespace driftd::store {

// A closed window and what it changed, as the window manager commits it.
struct WindowCommit {
  WindowEvaluation window;
  uint64_t late;
  std::vector<AlertChange> changes;
};

// Where a window result of cluster mode (cluster/window_result.h) comes
// from: its record in the results topic. The record's offset gives its
// alert events their ids and its timestamp the rows' time, so every
// instance writes the same rows.
struct ResultOrigin {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t at = 0;              // ms: the record's timestamp
  int64_t first_event_id = 0;  // of its first alert change; the others follow
  bool delivered_here = false;  // this instance published it as the stream's owner
};

struct OpenAlert {
  std::size_t subject;  // config::subject_name()
  std::size_t rule;
  Severity severity;
};

class DriftStore {
 public:
  explicit DriftStore(const config::StorageConfig& storage);
  ~DriftStore();

  Database& database() { return db_; }
  // Any thread: the queue of writes for this connection (write_queue.h).
  WriteQueue& writes() { return writes_; }
  // Writer: runs the writes queued so far, each in its own transaction.
  std::size_t run_queued_writes() { return writes_.run_queued(db_); }

  // Throws SqliteError when the file at the configured path is no longer
  // the one this connection writes (deleted, renamed or replaced): what is
  // committed then would be gone at the next start. One stat() per call.
  void verify_file() const;

  // Inserts or updates the stream's row.
  void sync_stream(const config::StreamConfig& stream);

  // The active reference of every feature, pair and group, or nullopt when
  // there is none to install: no feature has one (a new stream), or, for a
  // file reference, a feature has none (a feature added since: the file is
  // read again). A captured stream's feature without one (its capture found
  // too few values, or it was added since) gets a FeatureReference without
  // bins; a pair or group without one (joint_reference_store.h) likewise.
  std::optional<StreamReferences> load_active_references(const config::StreamConfig& stream);

  // Stores references as the new active version of each feature and sets
  // their id and version (a feature without reference is left as it is).
  // `origin`: "capture", "file:<path>", ...
  void save_references(const config::StreamConfig& stream,
                       std::vector<FeatureReference>& references, const std::string& origin);
  // The same for the features, then the pairs and groups, in one transaction.
  void save_references(const config::StreamConfig& stream, StreamReferences& references,
                       const std::string& origin);

  // One transaction: for each window a window_metrics row per evaluated
  // feature (none for a feature without reference), a joint_window_metrics
  // row per pair and group with a reference, and
  // the alert rows and alert_events of its changes, then the checkpoint of
  // the stream's open windows taken after them and the source positions
  // that checkpoint covers (Kafka streams), so a restart neither loses an
  // open window nor re-emits a committed one nor re-reads a message.
  // Without a checkpoint (none could be taken) windows still commit and the
  // stored checkpoint, now stale, is deleted: a restart then starts fresh
  // windows rather than count events twice. REQUIRES positions empty when
  // checkpoint is null. Nests into an enclosing Transaction.
  // Returns the alert events written (alert_events rows, in id order), to
  // publish once the outermost transaction has committed.
  std::vector<AlertEvent> commit_windows(const config::StreamConfig& stream,
                                         const StreamReferences& references,
                                         std::span<const WindowCommit> windows,
                                         const std::vector<std::byte>* checkpoint,
                                         std::span<const SourcePosition> positions = {});

  // Cluster mode: one transaction with the window a result brings (its
  // metrics rows; its alert changes, events numbered from
  // origin.first_event_id and a fired alert named after its event) and the
  // results topic's position after it. With `stream` null (a stream not
  // configured here, a result that does not fit) only the position moves.
  // Returns the alert events written, to publish once committed.
  std::vector<AlertEvent> commit_result(const config::StreamConfig* stream,
                                        const StreamReferences* references,
                                        const WindowCommit* window, const ResultOrigin& origin);
  // The next offset of each partition of the results topic `topic`.
  std::map<int32_t, int64_t> load_result_positions(const std::string& topic);

  // The stream's stored source positions (empty for a new stream).
  std::vector<SourcePosition> load_positions(const config::StreamConfig& stream);

  // The stored checkpoint of the stream's open windows, if any.
  std::optional<std::vector<std::byte>> load_checkpoint(const config::StreamConfig& stream);

  // Alerts still firing, to restore the rules' state at start.
  std::vector<OpenAlert> open_alerts(const config::StreamConfig& stream);

 private:
  struct Statements;
  // The window_metrics row of each feature of a committed window.
  void insert_metrics(const config::StreamConfig& stream,
                      std::span<const FeatureReference> references, const WindowCommit& commit,
                      int64_t now);
  // The alert rows and alert_events of its changes (events go to published_).
  // `origin`: a cluster result's ids and time, or null.
  void record_alert_changes(const config::StreamConfig& stream,
                            const StreamReferences& references, const WindowCommit& commit,
                            int64_t now, const ResultOrigin* origin);
  Statements& statements();  // prepared on first use, then reused

  struct FileIdentity {
    dev_t device;
    ino_t inode;
    friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
  };
  static std::optional<FileIdentity> identity_of(const std::filesystem::path& path);

  Database db_;
  std::optional<FileIdentity> file_identity_;  // of the file opened
  WriteQueue writes_;
  std::unique_ptr<Statements> statements_;
  std::vector<AlertEvent> published_;  // by the commit_windows() in progress
};

}  // namespace driftd::store
