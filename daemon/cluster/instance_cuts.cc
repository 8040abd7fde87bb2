#include "cluster/instance_cuts.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string_view>
#include <utility>

#include <librdkafka/rdkafka.h>

#include "cluster/capture_rows.h"
#include "cluster/pane_partial.h"
#include "common/clock.h"
#include "kafka/rdkafka_owned.h"
#include "window/pane.h"

namespace driftd::cluster {
namespace {

constexpr std::chrono::milliseconds kTransactionTimeout{30'000};

int64_t clamp_time(int64_t time) { return std::clamp(time, kMinTimestampMs, kMaxTimestampMs); }

}  // namespace

void InstanceCuts::set_reference_version(std::size_t stream, int64_t version) {
  std::lock_guard lock(mutex_);
  reference_versions_[stream] = version;
}

InstanceCuts::InstanceCuts(std::vector<StreamRuntime*> streams,
                           std::vector<int64_t> reference_versions, CutPublisher& publisher,
                           std::string producer, const Clock& clock)
    : streams_(std::move(streams)),
      reference_versions_(std::move(reference_versions)),
      successor_versions_(streams_.size(), 0),
      pending_switches_(streams_.size()),
      publisher_(publisher),
      producer_(std::move(producer)),
      clock_(clock),
      committed_(streams_.size()) {}

void InstanceCuts::schedule_switch(std::size_t stream, StreamReferences references,
                                   int64_t version, int64_t from_ms) {
  std::lock_guard lock(mutex_);
  pending_switches_[stream].push_back({std::move(references), version, from_ms});
}

CutPublisher::Result InstanceCuts::cut(int64_t now_ms) {
  const kafka::KafkaSource::Pause pause = source_->pause();
  return cut_parked(now_ms);
}

void InstanceCuts::cut_before_revoke() {
  cut_parked(clock_.wall_ms());
  // Partitions that leave may come back after other members committed
  // beyond these points: from now on a rewind asks the group.
  std::lock_guard lock(mutex_);
  for (auto& points : committed_) points.clear();
}

void InstanceCuts::discard_since_cut() {
  std::lock_guard lock(mutex_);
  const int64_t now_ms = clock_.wall_ms();
  for (StreamRuntime* stream : streams_) {
    stream->cut(now_ms);  // dropped
  }
  ++counters_.discarded;
  rewind_all();
  for (auto& points : committed_) points.clear();
}

CutPublisher::Result InstanceCuts::cut_parked(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (fenced_) return {CutPublisher::Outcome::fenced, "fenced before"};
  std::vector<std::vector<std::byte>> values;
  std::vector<std::string_view> keys;  // each value's stream
  std::vector<CutPublisher::Record> records;
  kafka::PartitionList offsets(rd_kafka_topic_partition_list_new(0));
  std::vector<std::map<int32_t, kafka::RewindPoint>> reached(streams_.size());
  for (std::size_t s = 0; s < streams_.size(); ++s) {
    StreamRuntime& stream = *streams_[s];
    const bool monitoring = stream.monitoring();
    PaneCut pane_cut = stream.cut(now_ms);
    // The versions the cut's panes were binned with.
    const int64_t current_version = reference_versions_[s];
    const int64_t successor_version = successor_versions_[s];
    // Nothing recorded since the cut above, no writer running: each switch
    // completes the one scheduled before it.
    if (monitoring) {
      for (PendingSwitch& pending : pending_switches_[s]) {
        stream.schedule_references(std::move(pending.references), pending.from_ms);
        if (successor_versions_[s] != 0) reference_versions_[s] = successor_versions_[s];
        successor_versions_[s] = pending.version;
      }
      pending_switches_[s].clear();
    }
    const uint64_t sequence = ++sequence_;
    // Rows spooled without a reference go first: the owner has them before
    // the progress that covers them.
    if (pane_cut.rows.rows() > 0) {
      const CaptureRows rows{.stream = stream.config().name, .producer = producer_,
                             .sequence = sequence, .rows = std::move(pane_cut.rows)};
      for (std::vector<std::byte>& value : encode_capture_rows_records(rows)) {
        values.push_back(std::move(value));
        keys.push_back(stream.config().name);
      }
    }
    PanePartial partial;
    partial.stream = stream.config().name;
    partial.producer = producer_;
    partial.sequence = sequence;
    // Spooling (no reference yet): version 0, no panes (stream_merge.h).
    partial.reference_version = monitoring ? current_version : 0;
    partial.layout_fingerprint = pane_cut.layout_fingerprint;
    partial.counters = static_cast<uint32_t>(std::max<std::size_t>(pane_cut.counters, 1));
    partial.events_seen = pane_cut.events;
    partial.malformed = pane_cut.malformed;
    partial.invalid_event_time = pane_cut.invalid_event_time;
    for (PanePiece& piece : pane_cut.panes) {
      partial.panes.push_back({piece.pane, std::move(piece.deltas)});
    }
    const std::string& topic = stream.config().source.topic;
    // Processing time: a partition's time is this instance's clock, as its
    // writers bin every event read after this cut at a later time
    // (source_progress.h).
    const bool processing_time = !stream.config().event_time;
    for (const kafka::PartitionState& state : source_->partition_states(stream)) {
      if (!state.next_offset) continue;  // nothing known to report or commit
      partial.partitions.push_back(
          {.partition = state.partition,
           .next_offset = *state.next_offset,
           .watermark_ms = clamp_time(processing_time ? now_ms : state.latest_ms),
           .behind = state.behind});
      reached[s][state.partition] = {state.partition, state.next_offset, state.latest_ms};
      // Streams sharing a topic read the same messages: the smallest
      // position is the one that loses nothing.
      rd_kafka_topic_partition_t* entry =
          rd_kafka_topic_partition_list_find(offsets.get(), topic.c_str(), state.partition);
      if (entry == nullptr) {
        rd_kafka_topic_partition_list_add(offsets.get(), topic.c_str(), state.partition)->offset =
            *state.next_offset;
      } else {
        entry->offset = std::min(entry->offset, *state.next_offset);
      }
    }
    // Across a switch, what was binned with the next references goes in a
    // partial of its own (the progress is in the one above, which the owner
    // applies to both binnings' windows).
    if (pane_cut.successor && !pane_cut.successor->panes.empty()) {
      PanePartial next;
      next.stream = stream.config().name;
      next.producer = producer_;
      next.sequence = ++sequence_;
      next.reference_version = successor_version;
      next.layout_fingerprint = pane_cut.successor->layout_fingerprint;
      next.counters = static_cast<uint32_t>(pane_cut.successor->counters);
      for (PanePiece& piece : pane_cut.successor->panes) {
        next.panes.push_back({piece.pane, std::move(piece.deltas)});
      }
      for (std::vector<std::byte>& value : encode_pane_partial_records(next)) {
        values.push_back(std::move(value));
        keys.push_back(stream.config().name);
      }
    }
    if (partial.panes.empty() && partial.partitions.empty() && partial.events_seen == 0) continue;
    for (std::vector<std::byte>& value : encode_pane_partial_records(partial)) {
      values.push_back(std::move(value));
      keys.push_back(stream.config().name);
    }
  }
  // Once every value is in place: the records point into them.
  for (std::size_t v = 0; v < values.size(); ++v) records.push_back({keys[v], values[v]});
  const kafka::GroupMetadata group(source_->group_metadata());
  CutPublisher::Result result = publisher_.publish(records, offsets.get(), group.get(),
                                                   kTransactionTimeout);
  switch (result.outcome) {
    case CutPublisher::Outcome::committed:
      ++counters_.committed;
      for (const std::vector<std::byte>& value : values) counters_.partial_bytes += value.size();
      for (std::size_t s = 0; s < streams_.size(); ++s) {
        for (const auto& [partition, point] : reached[s]) committed_[s][partition] = point;
      }
      break;
    case CutPublisher::Outcome::aborted:
      ++counters_.aborted;
      rewind_all();
      break;
    case CutPublisher::Outcome::fenced:
      fenced_ = true;
      break;
  }
  return result;
}

void InstanceCuts::rewind_all() {
  for (std::size_t s = 0; s < streams_.size(); ++s) {
    std::vector<kafka::RewindPoint> points;
    for (const kafka::PartitionState& state : source_->partition_states(*streams_[s])) {
      const auto known = committed_[s].find(state.partition);
      // A partition no cut has committed since it came: the group's offset.
      points.push_back(known != committed_[s].end()
                           ? known->second
                           : kafka::RewindPoint{state.partition, std::nullopt, INT64_MIN});
    }
    source_->rewind(*streams_[s], points);
  }
}

CutCounters InstanceCuts::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

bool InstanceCuts::fenced() const {
  std::lock_guard lock(mutex_);
  return fenced_;
}

}  // namespace driftd::cluster
