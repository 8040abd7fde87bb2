// Everything driftd keeps in memory for one stream: the reference (captured
// from the first events, or installed from SQLite), the open windows, the
// per-writer decoders, and the state of its alert rules.
//
// Two phases:
//   capturing   no reference yet: events feed the ReferenceCapture under a
//               mutex (a bounded, one-time phase);
//   monitoring  events are decoded, binned and recorded by each writer on
//               its own state, with no lock and no allocation per batch.
// The switch happens once, inside the ingest call (or observe_event_time())
// that completes the capture, or install_references() at start;
// `monitoring_` publishes it. An event-time capture ends at a cut on a pane
// boundary (reference_capture.h) and the windows start there.
// The capture ends at its size: a feature it found too few values of has no
// reference (feature_reference.h) and is skipped by the writers and the
// evaluator, while the stream's other features are monitored; so is a pair
// or group without reference (joint_reference.h).
// Alert rules watch subjects: features, then pairs, then groups (config.h).
//
// Thread safety:
//   ingest_*(writer, ...) from many threads, each writer index used by one
//   thread at a time (the daemon gives each I/O or Kafka thread its own).
//   Everything else -- take_new_references(), poll(), alerts(),
//   counters -- belongs to the stream's window manager thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "ingest/decoded_batch.h"
#include "ingest/error_sink.h"
#include "ingest/event_decoder.h"
#include "ingest/raw_rows.h"
#include "pipeline/batch_recorder.h"
#include "pipeline/checkpoint_codec.h"
#include "pipeline/counter_layout.h"
#include "pipeline/feature_reference.h"
#include "pipeline/reference_capture.h"
#include "pipeline/row_spool.h"
#include "pipeline/stream_alerts.h"
#include "pipeline/stream_references.h"
#include "pipeline/stream_schema.h"
#include "pipeline/window_evaluator.h"
#include "window/waiting_pieces.h"
#include "window/window_assembler.h"

namespace driftd {

// Where a stream's writers record (docs/architecture.md, "Cluster mode"):
//   local             into its own windows (one instance);
//   cluster_instance  into pane deltas that cut() hands to the stream's
//                     owner; while the stream has no reference, a capture
//                     stream's rows go to a RowSpool instead (cut() hands
//                     them over too) until install_references() brings the
//                     reference the owner captured;
//   cluster_owner     the owner's binning of the rows instances sent
//                     (ingest_rows()): a capture stream captures its
//                     reference from them as one instance would, then
//                     records into pane deltas for cut(). Its panes are
//                     those of the rows' own times, event times or (a
//                     processing-time stream) when their instance read
//                     them: its windows are in event time
//                     (window_spec_by_row_time), and observe_event_time()
//                     brings the frontier the partitions' progress allows.
enum class WindowRole { local, cluster_instance, cluster_owner };

// What the writers binned with a scheduled switch's references
// (StreamRuntime::schedule_references()) since the previous cut.
struct SuccessorCut {
  int64_t from_ms = 0;              // where the switch is
  std::vector<PanePiece> panes;     // ascending, distinct, none all zero
  std::size_t counters = 0;         // words per pane
  uint64_t layout_fingerprint = 0;
};

// What a cluster instance recorded for a stream since its previous cut.
struct PaneCut {
  // Spooled rows (cluster_instance, no reference yet, or just installed).
  ingest::RawRows rows;
  // Monitoring: ascending, distinct, none all zero.
  std::vector<PanePiece> panes;
  std::size_t counters = 0;      // words per pane (monitoring)
  uint64_t layout_fingerprint = 0;  // (monitoring)
  // With a switch scheduled: what was binned with its references (the
  // panes above hold what was binned with the current ones).
  std::optional<SuccessorCut> successor;
  // Counted since the previous cut, outside any pane (read without the
  // recorder's consistent cut: exact over a run of cuts, not per cut).
  uint64_t events = 0;
  uint64_t malformed = 0;
  uint64_t invalid_event_time = 0;
};

// One event from a message source (a Kafka message).
struct SourceDocument {
  std::string_view json;
  int64_t timestamp_ms;  // the message timestamp; INT64_MIN when it has none
};

struct IngestResult {
  ingest::BodySummary summary;
  uint64_t late = 0;  // rows whose window had already closed (counted in StreamCounters::late)
  // The latest event time among the rows (kMinTimestampMs when none, or
  // when the stream has no event time).
  int64_t latest_event_time = kMinTimestampMs;
};

// Stream-level counters, readable from any thread (relaxed: statistics).
struct StreamCounters {
  std::atomic<uint64_t> events{0};  // every event seen, accepted or not
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> malformed{0};
  std::atomic<uint64_t> invalid_event_time{0};
  // Rows whose window had closed, counted when the writer (or the
  // manager's slow path) found them late, not when a window closes.
  std::atomic<uint64_t> late{0};
  std::atomic<uint64_t> windows_closed{0};
  // Writer time in the two stages of the hot path (monitoring phase), for
  // finding the bottleneck: decoding JSON, and binning + recording.
  std::atomic<uint64_t> decode_nanoseconds{0};
  std::atomic<uint64_t> record_nanoseconds{0};
};

// Per-feature totals of values that could not be binned, summed over the
// closed windows (the open ones are in their windows' rows once they close).
struct FeatureCounters {
  std::atomic<uint64_t> missing{0};  // absent, null
  std::atomic<uint64_t> invalid{0};  // wrong type
};

class StreamRuntime {
 public:
  StreamRuntime(config::StreamConfig config, std::size_t writers,
                WindowRole role = WindowRole::local);
  ~StreamRuntime();
  StreamRuntime(const StreamRuntime&) = delete;
  StreamRuntime& operator=(const StreamRuntime&) = delete;

  const config::StreamConfig& config() const { return config_; }
  const StreamSchema& schema() const { return schema_; }
  const StreamCounters& counters() const { return counters_; }
  // REQUIRES: feature < config().features.size().
  const FeatureCounters& feature_counters(std::size_t feature) const {
    return feature_counters_[feature];
  }
  bool monitoring() const { return monitoring_.load(std::memory_order_acquire); }
  // Monitoring, and feature f (config order) has a reference: false for a
  // feature whose capture found fewer than reference.min_values values (or
  // that has no stored one), which is neither recorded nor evaluated.
  // Any thread.
  bool has_reference(std::size_t feature) const;
  // The features without reference (0 while capturing). Any thread.
  std::size_t features_without_reference() const;

  // ---- Writers --------------------------------------------------------------
  // now_ms is the caller's clock when the batch arrived, read once per batch:
  // the pane of processing-time windows, and the bound of event times (later
  // than now_ms + event_time.max_future: invalid_event_time).
  // An NDJSON (or JSON array) body; the caller guarantees kJsonPadding bytes
  // of capacity after it. REQUIRES: writer < writers.
  IngestResult ingest_ndjson(std::size_t writer, std::string_view body, std::size_t capacity,
                             ingest::ErrorSink* errors, int64_t now_ms);
  // A batch of single-document events. With `event_time.kafka_timestamp`
  // each event's time is its document's timestamp. `time_limit` caps how
  // far the batch raises the watermark (see BatchRecorder::record).
  // REQUIRES: writer < writers.
  IngestResult ingest_documents(std::size_t writer, std::span<const SourceDocument> documents,
                                int64_t now_ms, std::optional<int64_t> time_limit = std::nullopt);
  // Rows decoded elsewhere (a cluster instance's spooled rows, at the
  // stream's owner: WindowRole::cluster_owner), recorded or captured like
  // decoded events of the rows' times (rows_timed()).
  // REQUIRES: writer < writers; the rows' columns those of the stream.
  IngestResult ingest_rows(std::size_t writer, const ingest::RawRows& rows, int64_t now_ms,
                           std::optional<int64_t> time_limit = std::nullopt);
  // Event-time windows (rows_timed()): the source allows the watermark to
  // rise to `frontier` without a new batch (partitions that held it back
  // went idle or were revoked); while capturing, this may end the capture.
  // Others: nothing. REQUIRES: writer < writers.
  void observe_event_time(std::size_t writer, int64_t frontier, int64_t now_ms);

  // ---- Window manager ---------------------------------------------------------
  // Installs references loaded from storage or read from a file, skipping
  // the capture; a cluster instance's capture stream may also be given its
  // captured reference while it spools (writers take it from their next
  // batch on). REQUIRES: not monitoring; before any ingest but for such a
  // spool; one reference per feature, pair and group (one without
  // reference for each that has none: it is logged); a pair's cells over
  // its features' bins.
  void install_references(StreamReferences references);

  // The references of a capture that just completed, once, so the manager
  // can store them (and set their ids) before windows refer to them.
  StreamReferences* take_new_references();
  // Where the windows start, once monitoring after an event-time capture:
  // the capture's cut (ms); nullopt otherwise.
  std::optional<int64_t> windows_from_ms() const { return windows_from_ms_; }
  StreamReferences& references() { return references_; }

  // Cluster mode (WindowRole::cluster_instance or cluster_owner):
  // everything the writers recorded since the previous cut, pane by pane
  // (the pieces they could not place included), a consistent cut of the
  // batches begun before it (pane_delta_recorder.h), and the rows spooled
  // since the previous cut. Processing-time windows: `now_ms` moves the
  // open range. REQUIRES: a cluster role, a time window.
  PaneCut cut(int64_t now_ms);

  // A reference switch (cluster roles; docs/architecture.md, "Cluster
  // mode", reference switches): from `from_ms` on, the writers bin with
  // `references`, rows before it with the current ones. In event time each
  // row goes by its own time; in processing time each batch by its now_ms.
  // cut() hands the two binnings' panes out apart (PaneCut::successor). A
  // switch scheduled before is completed first: its references become the
  // current ones (rows before its time, late for the owner by now, are
  // then binned with them). REQUIRES: a cluster role; monitoring; from_ms
  // on a pane boundary; the references fit the stream (one per feature,
  // pair and group); no writer running and nothing recorded since the
  // last cut() (an instance's cut with its consumers parked, or the
  // owner's thread right after its cut()).
  void schedule_references(StreamReferences references, int64_t from_ms);

  // Closes every window that is due at `now_ms` and hands each evaluation to
  // `on_window` (with the events found late since the previous window).
  // REQUIRES: WindowRole::local (so for checkpoint() and restore()).
  void poll(int64_t now_ms, const std::function<void(const WindowEvaluation&, uint64_t late)>&
                                on_window);

  // A consistent copy of the open windows, of the pieces waiting in the
  // slow path (recorded events beyond the horizon) and of the count of
  // events found late since the last window closed, to store with the
  // windows just committed. False when the cut is not possible right now (count-window
  // events still in flight): try at the next tick. REQUIRES: monitoring, and
  // called right after poll().
  bool checkpoint(StreamCheckpoint& out);
  // Resumes open windows and waiting pieces from a checkpoint taken with the
  // same references. Returns false when the references differ: the counts
  // are dropped, but the windows go on from the checkpoint's first open one
  // (no window already stored is emitted again; count windows keep their
  // sequence numbers). Throws InputError (changing nothing) when it does
  // not fit, or when its event-time windows start beyond
  // event_time.max_future from now_ms (a watermark raised by an event from the future, stored before
  // ingest bounded event times). REQUIRES: after install_references(),
  // before any ingest.
  bool restore(const StreamCheckpoint& checkpoint, int64_t now_ms);

  // The state of the stream's alert rules, fed each closed window.
  StreamAlerts& alerts() { return alerts_; }
  const StreamAlerts& alerts() const { return alerts_; }

 private:
  struct Writer;
  struct Successor;

  // Records rows [first_row, ...) of a decoded batch into the windows or
  // the pane deltas, as the role says; returns the rows found late.
  uint64_t record(std::size_t writer, const ingest::DecodedBatch& batch, std::size_t first_row,
                  int64_t now_ms, std::optional<int64_t> time_limit);
  // The watermark of the windows or the pane deltas. REQUIRES: monitoring.
  Watermark& watermark();
  // Decodes with decode(EventDecoder&, DecodedBatch&) -> BodySummary and
  // records, in the stream's current phase. Defined in the .cc only.
  template <class Decode>
  IngestResult ingest(std::size_t writer, const Decode& decode, int64_t now_ms,
                      std::optional<int64_t> time_limit);
  // The monitoring phase's ingest with a switch scheduled: each row binned
  // with the references of its time (schedule_references()).
  template <class Decode>
  IngestResult ingest_across_switch(std::size_t writer, const Decode& decode, int64_t now_ms,
                                    std::optional<int64_t> time_limit);
  template <class Decode>
  IngestResult ingest_capturing(std::size_t writer, const Decode& decode, int64_t now_ms,
                                std::optional<int64_t> time_limit);
  // Builds the references of the completed capture, starts monitoring and
  // records what the capture did not take (from row first_row of the batch
  // that completed it, or the rows beyond an event-time cut). Returns the
  // rows found late. REQUIRES: capture_mutex_ held, capture complete.
  uint64_t finish_capture(std::size_t writer, std::size_t first_row, int64_t now_ms);
  // Builds the writers' state and publishes it. windows_from_ms: the first
  // window starts at the pane of this time (events before it are late).
  void start_monitoring(StreamReferences references, std::optional<int64_t> windows_from_ms);
  // Which features have a reference, for readers on other threads
  // (has_reference()), from references_.
  void publish_feature_references();
  // Logs each pair and group without reference, saying `why`.
  void log_joint_without_reference(const char* why) const;
  void count(const ingest::BodySummary& summary);
  // Records rows of a batch decoded by the capture decoder (their category
  // ids are the capture's) after translating them to the dictionaries.
  // Returns the rows found late.
  uint64_t record_capture_remainder(std::size_t writer, ingest::DecodedBatch& batch,
                                    std::size_t first_row, int64_t now_ms,
                                    std::optional<int64_t> time_limit);
  // The events found late before a restart go into the next window's row.
  void restore_late_pending(uint64_t late_pending);
  // Whether the windows' panes come from the rows' own times (event-time
  // windows, so also a cluster owner's) rather than from now_ms.
  bool rows_timed() const {
    return window_spec_.is_time_window() && window_spec_.domain() == TimeDomain::event_time;
  }
  // Event times after this are rejected by a batch ingested at now_ms
  // (event_time.max_future ahead; no bound without event time).
  int64_t latest_acceptable_event_time(int64_t now_ms) const;

  const config::StreamConfig config_;
  const std::size_t writers_;
  const StreamSchema schema_;
  const WindowSpec window_spec_;
  const WindowRole role_;
  StreamCounters counters_;
  std::unique_ptr<FeatureCounters[]> feature_counters_;

  // Capture phase, guarded by capture_mutex_.
  std::mutex capture_mutex_;
  std::unique_ptr<ReferenceCapture> capture_;
  std::unique_ptr<RowSpool> spool_;  // cluster_instance: instead of capture_
  std::unique_ptr<ingest::EventDecoder> capture_decoder_;
  ingest::DecodedBatch capture_batch_;

  // Monitoring phase: written once before monitoring_ is set (release),
  // read-only afterwards except each Writer by its own thread.
  std::atomic<bool> monitoring_{false};
  StreamReferences references_;
  std::unique_ptr<CounterLayout> layout_;
  std::unique_ptr<WindowAssembler> assembler_;   // WindowRole::local
  std::unique_ptr<PaneDeltaRecorder> deltas_;    // the cluster roles
  std::vector<std::unique_ptr<Writer>> writer_states_;
  DeferredPieces deferred_;
  bool new_references_ = false;  // guarded by capture_mutex_
  std::optional<int64_t> windows_from_ms_;  // written before monitoring_ is set
  // Per feature: has a reference (has_reference() on any thread, while a
  // switch may replace references_ on the window manager's).
  std::unique_ptr<std::atomic<bool>[]> feature_has_reference_;
  // Cluster roles: a scheduled switch; made, replaced and read by writers
  // only as schedule_references() says (no writer running meanwhile).
  std::unique_ptr<Successor> successor_;

  // Window manager only.
  WaitingPieces waiting_pieces_;  // deferred, still beyond the horizon
  StreamCounters cut_counters_;   // counters_ at the previous cut()
  uint64_t late_reported_ = 0;
  StreamAlerts alerts_;
};

}  // namespace driftd
