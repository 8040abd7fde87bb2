// PartialsOwner: a member of cluster mode's owners' group. It consumes the
// partials topic (read_committed) for the partitions the group assigns it,
// so it owns the streams whose partials land there: it adds each stream's
// partials up (StreamMerge), evaluates every window that closes against the
// stream's references, runs the stream's alert rules (StreamAlerts), and
// every `cluster.commit_interval` produces, in one transaction with the
// partials offsets it consumed (CutPublisher): each closed window's result
// (window_result.h: the merged counts and the alert changes, keyed by the
// stream) to the results topic's one partition, and the state of every stream that moved
// (owner_state.h: the merge's checkpoint, the rule states) to the compacted
// state topic, in the partition of the stream's partials.
//
// Failover. When the group assigns a partials partition, the owner pauses
// it, and at its next step reads the same partition of the state topic to
// its end (StateTopicReader), restores each stream found there, seeks the
// partials to the group's committed offset, which the state's transaction
// committed, and resumes (retried every second while the broker does not
// answer); a stream with no state yet starts fresh at its first partial. Its windows
// then continue exactly after the last committed one (stream_merge.h,
// "Checkpoints"). A revoked partition is committed first (what was merged
// goes out before the next owner reads on), then dropped; a lost one is
// dropped with what was merged since the last commit, which the next owner
// merges again. An aborted transaction makes the owner reload every
// partition it holds that way: nothing it merged since its last commit is
// lost or counted twice. Only a fenced producer (another process with this
// owner's transactional.id) or a fatal consumer error ends it: failed()
// says why.
//
// Captured references (docs/architecture.md, "Cluster mode", shared
// references). A stream whose reference is captured has none until its
// owner captures it from the rows instances spool (capture_rows.h): a
// StreamRuntime in the owner's role (WindowRole::cluster_owner) captures
// from them as one instance captures from its events, ending at a pane
// boundary once the partitions' progress has passed it. The owner then
// publishes the reference to the references topic (its version derived
// from its bytes, reference_record.h) in its next transaction, starts the
// stream's windows at the capture's cut and bins the rows beyond it, and
// those that keep coming from instances that have not installed the
// reference yet, into the windows as it merges the partials of those that
// have. Until the capture ends, every transaction also writes the rows
// received since the previous one to the state topic, as chunks keyed
// "<stream>/capture/<n>" beside the stream's state, so a new owner captures
// from the same rows; the transaction that publishes the reference deletes
// them. A new owner finds a stream's captured reference in the references
// topic, which it reads when it takes partitions over.
//
// Reference switches (reference_timeline.h). The owner follows the
// references topic (the first read at its first take-over, then at every
// step). When a stream's timeline has a switch after the references its
// windows use, it merges the partials binned with the next references
// apart (a second StreamMerge, its windows from the switch on; every
// partial's progress applied to both), evaluates those windows with the
// next references and publishes them under the next version; the current
// merge emits no window ending after the switch, and once its watermark has
// passed the switch the next merge takes its place. Its checkpoint goes to
// the state topic under "<stream>/next" beside the stream's until then
// (deleted when the switch completes), so a new owner resumes both.
//
// on_window sees each window as it closes, before its transaction commits:
// after an abort or a failover the same window comes again (with the same
// counts). What every instance shows comes from the results topic.
//
// Thread safety: one thread (the owner's loop).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "cluster/cluster_stream.h"
#include "cluster/cut_publisher.h"
#include "cluster/reference_record.h"
#include "cluster/reference_timeline.h"
#include "cluster/references_follower.h"
#include "cluster/state_topic_reader.h"
#include "cluster/stream_merge.h"
#include "common/clock.h"
#include "config/config.h"
#include "ingest/raw_rows.h"
#include "kafka/activity_clock.h"
#include "kafka/client_log.h"
#include "pipeline/alert_change.h"
#include "pipeline/counter_layout.h"
#include "pipeline/stream_alerts.h"
#include "pipeline/stream_runtime.h"
#include "pipeline/window_evaluator.h"

struct rd_kafka_s;
struct rd_kafka_topic_partition_list_s;

namespace driftd::cluster {

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
  uint64_t partials = 0;            // records read: pane partials and capture rows
  uint64_t malformed_partials = 0;  // not decodable
  uint64_t unknown_streams = 0;     // partials of a stream not configured here
  uint64_t rejected = 0;            // another reference version, layout or columns
  uint64_t unknown_versions = 0;    // versions partials named, not in the references topic
  // Pane partials with events binned with the version a stream switched
  // from (an instance's stragglers), their events counted late.
  uint64_t switched_from = 0;
  uint64_t windows = 0;             // closed (again after an abort or a failover)
  uint64_t windows_published = 0;   // in committed transactions
  uint64_t transactions = 0;        // committed
  uint64_t aborts = 0;              // transactions aborted, each followed by a reload
  uint64_t states_restored = 0;     // streams resumed from the state topic
  uint64_t states_refused = 0;      // states that did not decode or fit: the stream starts fresh
  uint64_t rows_added = 0;          // capture rows records captured from or binned
  uint64_t references_captured = 0;  // captures ended (again after an abort or a failover)
};

class PartialsOwner {
 public:
  // Joins `cluster.owner_group_id` on `cluster.partials_topic`, reading
  // states from `cluster.state_topic`; `results` (a transactional producer,
  // outliving this) publishes to `cluster.results_topic` and the state
  // topic; `owner` names this instance in the results; `clock` (its steady
  // time drives the activity clock and the commit interval) must outlive
  // this. A dynamic member of the owners' group (librdkafka 2.0 makes a
  // static member fenced after a broker outage fatal). Throws
  // config::ConfigError for a property librdkafka refuses.
  PartialsOwner(const config::KafkaConfig& kafka, const config::ClusterConfig& cluster,
                std::vector<ClusterStream> streams, CutPublisher& results, std::string owner,
                const Clock& clock = Clock::system());
  ~PartialsOwner();
  PartialsOwner(const PartialsOwner&) = delete;
  PartialsOwner& operator=(const PartialsOwner&) = delete;

  // One step: waits up to `wait` for partials, adds them, closes the windows
  // they allow (calling on_window for each, if given), and, once
  // commit_interval has passed since the last commit, commits. Returns
  // false once failed().
  using OnWindow = std::function<void(const OwnedWindow&)>;
  bool step(std::chrono::milliseconds wait, const OnWindow& on_window = {});

  // Leaves the owners' group without committing: what was merged since the
  // last commit is merged again by the next owner (as after a crash).
  void close();
  // Commits what was merged, then leaves: the next owner starts from it.
  void leave();

  const OwnerCounters& counters() const { return counters_; }
  // Why the owner can no longer go on (a fenced producer, a fatal consumer
  // error).
  const std::optional<std::string>& failed() const { return failed_; }

 private:
  struct Owned {
    const ClusterStream* spec = nullptr;
    int32_t partition = 0;  // of the partials and state topics
    // What its windows are evaluated with: the file's references, or the
    // captured ones (none while capturing: reference_version 0).
    std::shared_ptr<const StreamReferences> references;
    int64_t reference_version = 0;
    std::unique_ptr<CounterLayout> layout;
    std::unique_ptr<StreamMerge> merge;
    std::unique_ptr<StreamAlerts> alerts;
    uint64_t late_reported = 0;
    bool moved = false;  // since the last commit: its state goes out with it
    // A capture stream: captures from the instances' rows, then bins them.
    std::unique_ptr<StreamRuntime> binner;
    // The reference versions its binner bins with, before and from its
    // scheduled switch (0: none).
    int64_t binned_version = 0;
    int64_t binned_next_version = 0;
    std::vector<ingest::RawRows> capture_rows;  // received since the last commit, while capturing
    uint64_t capture_chunks = 0;                // chunks of the state topic holding the earlier ones
    std::optional<ReferenceRecord> captured;    // to publish with the next commit
    // A reference switch ahead: the windows from `from_ms` on, merged apart
    // with the next references, until the current merge has ended.
    struct Next {
      int64_t from_ms = 0;
      int64_t reference_version = 0;
      std::shared_ptr<const StreamReferences> references;
      std::unique_ptr<CounterLayout> layout;
      std::unique_ptr<StreamMerge> merge;
    };
    std::unique_ptr<Next> next;
    bool next_state_stale = false;  // a switch completed: its "/next" state to delete
  };
  struct PendingResult {
    int32_t partition;  // of the stream's partials
    std::string stream;
    std::vector<std::byte> value;
  };
  struct Callbacks;

  const ClusterStream* spec_named(const std::string& name) const;
  int64_t activity_now();
  // A stream's owned state, its windows on the references of `version`
  // (a restored state's) or else its first ones (none yet: it captures).
  Owned make_owned(const ClusterStream& spec, int32_t partition,
                   std::optional<int64_t> version = std::nullopt) const;
  // The owned stream a partial or rows record names, made when new; null
  // (counted) for a stream not configured here.
  Owned* owned_for(const std::string& stream, int32_t partition);
  // Gives `owned` its references (a fresh stream, or the captured ones).
  void install(Owned& owned, std::shared_ptr<const StreamReferences> references,
               int64_t version) const;
  // Reads the references topic (to its end the first time, then what came
  // since) into the streams' timelines. Throws std::runtime_error when the
  // first read does not reach the end.
  void read_references();
  void apply_references(const std::vector<KeyedRecord>& records);
  bool knows_version(const std::string& stream, int64_t version) const;
  // Before a partial binned with reference `version` is routed: when that
  // version is none this owner knows for the stream, reads the references
  // topic until it comes (a switch published a moment ago), for at most
  // kAwaitVersion (once per version); a version still unknown then is the
  // partial's to be rejected.
  void await_version(const Owned& owned, int64_t version);
  // Starts the switch after `owned`'s references, if its timeline has one
  // and none is under way.
  void start_switch(Owned& owned);
  // The next merge takes the current one's place once that has ended.
  void complete_switch(Owned& owned);
  // Restores the next merge of a switch under way from its state (the
  // "/next" record); a state that does not fit is logged and left out.
  void restore_next(Owned& owned, std::span<const std::byte> bytes);
  // The late events both merges of `owned` counted.
  static uint64_t late_events(const Owned& owned);
  // Adds a partial of `owned` to the merge of its version (stream_merge.h,
  // reference switches).
  StreamMerge::Outcome route(Owned& owned, const PanePartial& partial, int64_t activity);
  // Sets each of `partitions` (being assigned) to start at the group's
  // committed offset (the first partial when none), read here, so that
  // librdkafka does not look the offsets up itself: its 2.0 lookup, failing
  // on a moving coordinator during a rebalance ("Failed to fetch committed
  // offsets for 0 partition(s) ...: Not coordinator"), can leave a partition
  // never fetched, and its streams' windows would stop for good. Not
  // readable within kAssignLookup: left to librdkafka after all.
  // load_unloaded() reads them again, with the state, and seeks there: the
  // same offsets (a logical one such as END, resolved after that seek,
  // would move the partition past partials the owner has not read).
  void start_at_committed(rd_kafka_topic_partition_list_t* partitions);
  // A partial of the version `owned` switched from, its events late:
  // counted, and logged once per (stream, instance, version).
  void add_switched_from(Owned& owned, const PanePartial& partial, int64_t activity);
  // Evaluates, alerts on and queues one closed window of `owned`, binned
  // with `references` (reference version `version`, counters `layout`).
  void publish_window(Owned& owned, const ClosedWindow& window, const StreamReferences& references,
                      const CounterLayout& layout, int64_t version, const OnWindow& on_window);
  // Restores a capturing stream's rows from its chunks of the state topic.
  void replay_capture(Owned& owned, const std::map<uint64_t, std::vector<std::byte>>& chunks);
  void add_rows(std::span<const std::byte> payload, int32_t partition);
  // The binner's pane deltas into the merge.
  void add_binned(Owned& owned);
  // Ends the capture if the partitions' progress allows it.
  void try_end_capture(Owned& owned);
  void on_captured(Owned& owned);
  // Restores the streams whose states are in `partition` of the state topic.
  void take_over(int32_t partition);
  void drop(int32_t partition);
  void add_partial(std::span<const std::byte> payload, int32_t partition);
  void close_windows(const OnWindow& on_window);
  // Publishes what is pending; after an abort, reload()s.
  void commit();
  // Drops everything merged since the last commit and takes every assigned
  // partition over again from the state topic and the committed offsets.
  void reload();
  // Pauses `partitions` until load_unloaded() has taken them over.
  void unload(const std::set<int32_t>& partitions);
  // Takes the unloaded partitions over: their committed offsets, a seek
  // there, their streams' states; retried after kLoadRetry when the broker
  // does not answer.
  void load_unloaded();
  void on_rebalance(int error, rd_kafka_topic_partition_list_s* partitions);

  struct HandleDeleter {
    void operator()(rd_kafka_s* handle) const;
  };

  const std::string topic_;
  const std::string state_topic_;
  const std::chrono::milliseconds commit_interval_;
  const std::chrono::milliseconds report_timeout_;
  const std::vector<ClusterStream> specs_;
  CutPublisher& results_;
  const std::string owner_;
  const Clock& clock_;
  kafka::ClientLog client_log_;
  const std::string references_topic_;
  StateTopicReader states_;
  ReferencesFollower references_;  // the references topic's one partition
  // (stream, reference version) of partials the references topic did not
  // explain within kAwaitVersion.
  std::set<std::pair<std::string, int64_t>> awaited_in_vain_;
  // (stream, instance, reference version) whose events after a switch from
  // that version were counted late: logged once each.
  std::set<std::tuple<std::string, std::string, int64_t>> late_binnings_logged_;
  bool references_read_ = false;   // to its end once
  // By stream: its first reference (a file's; a captured one once in the
  // references topic, or this owner's own) and the switches since.
  std::map<std::string, ReferenceTimeline> timelines_;
  std::unique_ptr<rd_kafka_s, HandleDeleter> consumer_;
  kafka::ActivityClock activity_;
  std::set<int32_t> assigned_;
  std::set<int32_t> unloaded_;  // assigned, paused, not taken over yet
  Clock::SteadyTime next_load_{};
  std::map<std::string, Owned> owned_;  // by stream name
  // By partials partition: the offset after the last partial consumed.
  std::map<int32_t, int64_t> consumed_;
  bool consumed_since_commit_ = false;
  std::vector<PendingResult> pending_;
  Clock::SteadyTime last_commit_;
  OwnerCounters counters_;
  std::optional<std::string> failed_;
  bool closed_ = false;
};

}  // namespace driftd::cluster
