#include "cluster/partials_owner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <stdexcept>
#include <utility>

#include <librdkafka/rdkafka.h>

#include "cluster/capture_rows.h"
#include "cluster/owner_state.h"
#include "cluster/pane_partial.h"
#include "cluster/window_result.h"
#include "common/error.h"
#include "kafka/consumer_config.h"
#include "kafka/rdkafka_owned.h"
#include "kafka/rebalance_protocol.h"
#include "pipeline/stream_layout.h"

namespace driftd::cluster {
namespace {

constexpr std::size_t kBatch = 1000;
constexpr std::chrono::milliseconds kTransactionTimeout{30'000};
// Reading a state partition, and the committed offsets after an abort.
constexpr std::chrono::milliseconds kTakeOverTimeout{30'000};
// After a take-over that could not finish (the broker away).
constexpr std::chrono::milliseconds kLoadRetry{1'000};
// How long an assignment waits for the group's committed offsets
// (start_at_committed()) before it leaves the lookup to librdkafka.
constexpr std::chrono::milliseconds kAssignLookup{10'000};
// How long a partial binned with a reference version this owner has not read
// yet waits for the references topic to bring it, and each poll meanwhile.
constexpr std::chrono::milliseconds kAwaitVersion{10'000};
constexpr std::chrono::milliseconds kAwaitVersionPoll{100};
// The state topic's key of a stream's merge across a switch: "<stream>/next".
constexpr std::string_view kNextStateSuffix = "/next";

std::chrono::milliseconds millis(Clock::SteadyTime::duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration);
}

// Whether rows have the stream's columns (an instance or an earlier owner
// with another configuration sends others).
bool fits(const ingest::RawRows& rows, const StreamSchema& schema) {
  return rows.numeric.size() == schema.decoder.numeric_count() &&
         rows.categorical.size() == schema.decoder.categorical_count();
}

}  // namespace

// librdkafka's C callbacks, forwarding to the owner given as opaque.
struct PartialsOwner::Callbacks {
  static PartialsOwner& self(void* opaque) { return *static_cast<PartialsOwner*>(opaque); }
  static void rebalance(rd_kafka_t*, rd_kafka_resp_err_t error,
                        rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    self(opaque).on_rebalance(error, partitions);
  }
  static void error(rd_kafka_t* rk, int error, const char* reason, void* opaque) {
    PartialsOwner& owner = self(opaque);
    owner.client_log_.report(reason);
    if (error == RD_KAFKA_RESP_ERR__FATAL) {
      // Served from the owner's poll, on its thread.
      char why[512];
      rd_kafka_fatal_error(rk, why, sizeof why);
      owner.failed_ = std::string("the owners' consumer failed: ") + why;
    }
  }
  static void log(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
    self(rd_kafka_opaque(rk)).client_log_.log(level, facility, text);
  }
};

void PartialsOwner::HandleDeleter::operator()(rd_kafka_s* handle) const { rd_kafka_destroy(handle); }

PartialsOwner::PartialsOwner(const config::KafkaConfig& kafka, const config::ClusterConfig& cluster,
                             std::vector<ClusterStream> streams, CutPublisher& results,
                             std::string owner, const Clock& clock)
    : topic_(cluster.partials_topic),
      state_topic_(cluster.state_topic),
      commit_interval_(std::chrono::duration_cast<std::chrono::milliseconds>(cluster.commit_interval)),
      // Every instance names its partitions at each cut: a partition unnamed
      // for three cuts has lost its holder (source_progress.h).
      report_timeout_(std::max(3 * commit_interval_, std::chrono::milliseconds(1000))),
      specs_(std::move(streams)),
      results_(results),
      owner_(std::move(owner)),
      clock_(clock),
      client_log_("partials topic " + topic_ + " (owner): ", {topic_}, clock_),
      references_topic_(cluster.references_topic),
      states_(kafka, state_topic_, clock_),
      references_(kafka, references_topic_, clock_),
      last_commit_(clock_.steady()) {
  // A reference file's stream: its first reference is the file's, which
  // every instance reads itself.
  for (const ClusterStream& spec : specs_) {
    if (spec.config->reference.type == config::ReferenceType::capture) continue;
    timelines_[spec.config->name].set_first(
        {spec.config->name, spec.reference_version, "file", 0, spec.references});
  }
  config::KafkaConfig owners = kafka;
  owners.group_id = cluster.owner_group_id;
  kafka::ConfPtr conf = kafka::make_consumer_config(owners, std::nullopt);
  kafka::set_conf(conf.get(), "isolation.level", "read_committed", "cluster");
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_log_cb(conf.get(), &Callbacks::log);
  rd_kafka_conf_set_error_cb(conf.get(), &Callbacks::error);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Callbacks::rebalance);
  char error[512];
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof error);
  if (consumer == nullptr) throw std::runtime_error(std::string("cluster owner: ") + error);
  conf.release();  // rd_kafka_new() took it
  consumer_.reset(consumer);
  rd_kafka_poll_set_consumer(consumer);
  const kafka::PartitionList subscription(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(subscription.get(), topic_.c_str(), RD_KAFKA_PARTITION_UA);
  if (const rd_kafka_resp_err_t failed = rd_kafka_subscribe(consumer, subscription.get())) {
    throw std::runtime_error("cluster owner: subscribing to " + topic_ + ": " +
                             rd_kafka_err2str(failed));
  }
}

PartialsOwner::~PartialsOwner() { close(); }

void PartialsOwner::close() {
  if (closed_ || consumer_ == nullptr) return;
  closed_ = true;
  // Revokes through on_rebalance: nothing is committed once closing.
  rd_kafka_consumer_close(consumer_.get());
}

void PartialsOwner::leave() {
  if (closed_ || consumer_ == nullptr) return;
  if (!failed_) commit();
  close();
}

const ClusterStream* PartialsOwner::spec_named(const std::string& name) const {
  for (const ClusterStream& spec : specs_) {
    if (spec.config->name == name) return &spec;
  }
  return nullptr;
}

int64_t PartialsOwner::activity_now() {
  return activity_.count_delivery(millis(clock_.steady().time_since_epoch()).count());
}

PartialsOwner::Owned PartialsOwner::make_owned(const ClusterStream& spec, int32_t partition,
                                               std::optional<int64_t> version) const {
  Owned owned;
  owned.spec = &spec;
  owned.partition = partition;
  owned.alerts = std::make_unique<StreamAlerts>(*spec.config);
  const config::StreamConfig& config = *spec.config;
  if (config.reference.type == config::ReferenceType::capture) {
    owned.binner = std::make_unique<StreamRuntime>(config, 1, WindowRole::cluster_owner);
  }
  const ReferenceTimeline::Entry* entry = nullptr;
  if (const auto timeline = timelines_.find(config.name); timeline != timelines_.end()) {
    if (version) entry = timeline->second.of_version(*version);
    if (entry == nullptr && timeline->second.has_first()) entry = &timeline->second.entries().front();
  }
  if (entry != nullptr) {
    install(owned, std::make_shared<const StreamReferences>(entry->record.references),
            entry->record.version);
    return owned;
  }
  // No reference yet: the merge follows the partitions for the capture.
  owned.merge = std::make_unique<StreamMerge>(
      window_spec(config), 1, 0, 0, config.event_time ? config.event_time->idle_timeout.count() : 0,
      report_timeout_.count());
  owned.merge->set_partition_count(spec.source_partitions);
  return owned;
}

void PartialsOwner::install(Owned& owned, std::shared_ptr<const StreamReferences> references,
                            int64_t version) const {
  const config::StreamConfig& config = *owned.spec->config;
  owned.layout = std::make_unique<CounterLayout>(counter_layout(config, *references));
  if (owned.binner && !owned.binner->monitoring()) {
    owned.binner->install_references(*references);
    owned.binned_version = version;
  }
  owned.references = std::move(references);
  owned.reference_version = version;
  if (owned.merge) return;  // a capture that just ended: set_reference() follows
  owned.merge = std::make_unique<StreamMerge>(
      window_spec(config), owned.layout->size(), version, owned.layout->fingerprint(),
      config.event_time ? config.event_time->idle_timeout.count() : 0, report_timeout_.count());
  owned.merge->set_partition_count(owned.spec->source_partitions);
}

void PartialsOwner::read_references() {
  apply_references(references_read_ ? references_.poll(std::chrono::milliseconds(0))
                                     : references_.read_to_end(kTakeOverTimeout));
  references_read_ = true;
}

bool PartialsOwner::knows_version(const std::string& stream, int64_t version) const {
  const auto timeline = timelines_.find(stream);
  return timeline != timelines_.end() && timeline->second.of_version(version) != nullptr;
}

void PartialsOwner::await_version(const Owned& owned, int64_t version) {
  const std::string& stream = owned.spec->config->name;
  if (version == 0 || version == owned.reference_version ||
      (owned.next && version == owned.next->reference_version) || knows_version(stream, version) ||
      awaited_in_vain_.contains({stream, version})) {
    return;
  }
  // An instance bins with a version only after reading its record in the
  // references topic, so the record is there: this owner has not read it
  // yet (a switch published just now). A wait on the broker, not on this
  // owner's clock.
  const auto deadline = std::chrono::steady_clock::now() + kAwaitVersion;
  while (!knows_version(stream, version) && std::chrono::steady_clock::now() < deadline) {
    apply_references(references_.poll(kAwaitVersionPoll));
  }
  // None of the topic's: an instance with another reference file, whose
  // partials are rejected without waiting again.
  if (!knows_version(stream, version)) {
    awaited_in_vain_.insert({stream, version});
    ++counters_.unknown_versions;
  }
}

void PartialsOwner::apply_references(const std::vector<KeyedRecord>& records) {
  for (const KeyedRecord& record : records) {
    const std::optional<SwitchKey> switch_key = parse_reference_switch_key(record.key);
    const std::string& name = switch_key ? switch_key->stream : record.key;
    const ClusterStream* spec = spec_named(name);
    if (spec == nullptr || record.value.empty()) continue;
    // A stream's first record is a capture's: a file's is read from the file.
    if (!switch_key && spec->config->reference.type != config::ReferenceType::capture) continue;
    try {
      ReferenceRecord decoded = decode_reference_record(record.value, *spec->config);
      if (switch_key) {
        timelines_[name].add_switch(switch_key->from_ms, std::move(decoded));
      } else {
        timelines_[name].set_first(std::move(decoded));
      }
    } catch (const InputError& error) {
      client_log_.report("the reference of stream " + name + " in the references topic (key " +
                         record.key + ") does not fit its configuration: " + error.what());
    }
  }
}

void PartialsOwner::start_switch(Owned& owned) {
  if (owned.reference_version == 0 || owned.next) return;
  const config::StreamConfig& config = *owned.spec->config;
  const auto timeline = timelines_.find(config.name);
  if (timeline == timelines_.end()) return;
  const ReferenceTimeline::Entry* entry = timeline->second.after_version(owned.reference_version);
  if (entry == nullptr) return;
  auto next = std::make_unique<Owned::Next>();
  next->from_ms = entry->from_ms;
  next->reference_version = entry->record.version;
  next->references = std::make_shared<const StreamReferences>(entry->record.references);
  next->layout = std::make_unique<CounterLayout>(counter_layout(config, *next->references));
  next->merge = std::make_unique<StreamMerge>(
      window_spec(config), next->layout->size(), next->reference_version,
      next->layout->fingerprint(),
      config.event_time ? config.event_time->idle_timeout.count() : 0, report_timeout_.count());
  next->merge->set_partition_count(owned.spec->source_partitions);
  // A switch this owner learns of after its windows passed it (an owner
  // away meanwhile): the next windows start after those already emitted.
  const int64_t start = std::max(entry->from_ms, owned.merge->watermark_ms());
  if (start > entry->from_ms) {
    client_log_.report("stream " + config.name + ": the switch to reference version " +
                       std::to_string(next->reference_version) + " at " +
                       std::to_string(entry->from_ms) +
                       " ms came after the windows passed it: its windows start at " +
                       std::to_string(start) + " ms");
  }
  next->merge->start_windows_at(start);
  owned.merge->end_windows_at(start);
  if (owned.binner && owned.binner->monitoring()) {
    owned.binner->schedule_references(*next->references, entry->from_ms);
    if (owned.binned_next_version != 0) owned.binned_version = owned.binned_next_version;
    owned.binned_next_version = next->reference_version;
  }
  owned.next = std::move(next);
  owned.moved = true;
}

void PartialsOwner::complete_switch(Owned& owned) {
  if (!owned.next || !owned.merge->ended()) return;
  // Late events counted by the merge that ends and not reported yet go
  // with the next window (modular arithmetic, as the sum drops).
  owned.late_reported -= owned.merge->totals().late_events;
  Owned::Next& next = *owned.next;
  owned.references = std::move(next.references);
  owned.reference_version = next.reference_version;
  owned.layout = std::move(next.layout);
  owned.merge = std::move(next.merge);
  std::fprintf(stderr,
               "driftd: cluster owner: stream '%s' switched to reference version %lld from %lld ms\n",
               owned.spec->config->name.c_str(), static_cast<long long>(owned.reference_version),
               static_cast<long long>(next.from_ms));
  owned.next.reset();
  owned.next_state_stale = true;
  owned.moved = true;
}

void PartialsOwner::restore_next(Owned& owned, std::span<const std::byte> bytes) {
  try {
    const OwnerState state = decode_owner_state(bytes);
    owned.next->merge->restore(state.merge, activity_.now());
  } catch (const InputError& error) {
    // Another switch's (or a stale one): the next windows start fresh.
    client_log_.report("the state of stream " + owned.spec->config->name +
                       " across its switch is refused, its next windows start fresh: " +
                       error.what());
    owned.next.reset();
    start_switch(owned);
  }
}

void PartialsOwner::take_over(int32_t partition) {
  const std::map<std::string, std::vector<std::byte>> records = states_.read(partition, kTakeOverTimeout);
  // The capture chunks, by stream and number.
  std::map<std::string, std::map<uint64_t, std::vector<std::byte>>> chunks;
  for (const auto& [key, bytes] : records) {
    if (const std::optional<CaptureChunkKey> chunk = parse_capture_chunk_key(key)) {
      chunks[chunk->stream][chunk->number] = bytes;
    }
  }
  for (const auto& [name, bytes] : records) {
    const ClusterStream* spec = spec_named(name);
    if (spec == nullptr) continue;  // a chunk, a switch's state, or a stream not configured here
    Owned owned;
    try {
      const OwnerState state = decode_owner_state(bytes);
      if (state.stream != name) throw InputError("the state of " + state.stream + " under key " + name);
      owned = make_owned(*spec, partition, state.merge.reference_version);
      owned.merge->restore(state.merge, activity_.now());
      owned.alerts->resume(state.rules);
      owned.late_reported = state.late_reported;
      if (owned.reference_version == 0) replay_capture(owned, chunks[name]);
      start_switch(owned);
      if (const auto next = records.find(name + std::string(kNextStateSuffix));
          next != records.end() && owned.next) {
        restore_next(owned, next->second);
      }
      ++counters_.states_restored;
    } catch (const InputError& error) {
      // Another configuration wrote it (reference, layout, windows, rules):
      // the stream starts again from its next partials.
      ++counters_.states_refused;
      client_log_.report("the state of stream " + name + " is refused, it starts fresh: " +
                         error.what());
      owned = make_owned(*spec, partition);
    }
    owned_.insert_or_assign(name, std::move(owned));
  }
}

void PartialsOwner::drop(int32_t partition) {
  unloaded_.erase(partition);
  std::erase_if(owned_, [&](const auto& entry) { return entry.second.partition == partition; });
  std::erase_if(pending_, [&](const PendingResult& result) { return result.partition == partition; });
  consumed_.erase(partition);
  assigned_.erase(partition);
}

void PartialsOwner::add_partial(std::span<const std::byte> payload, int32_t partition) {
  ++counters_.partials;
  try {
    const PanePartial partial = decode_pane_partial(payload);
    Owned* const found = owned_for(partial.stream, partition);
    if (found == nullptr) return;
    Owned& owned = *found;
    await_version(owned, partial.reference_version);
    const StreamMerge::Outcome outcome = route(owned, partial, activity_now());
    if (outcome != StreamMerge::Outcome::added) {
      ++counters_.rejected;
      client_log_.report("a partial of stream " + partial.stream + " from " + partial.producer +
                         " is rejected: binned with " +
                         (outcome == StreamMerge::Outcome::rejected_reference
                              ? "reference version " + std::to_string(partial.reference_version) +
                                    ", this owner's is " + std::to_string(owned.reference_version)
                              : std::string("another counter layout")) +
                         " (instances with different configurations or reference files?)");
    }
    owned.moved = true;
  } catch (const InputError& error) {
    ++counters_.malformed_partials;
    client_log_.report(std::string("a partial that does not decode: ") + error.what());
  }
}

PartialsOwner::Owned* PartialsOwner::owned_for(const std::string& stream, int32_t partition) {
  auto found = owned_.find(stream);
  if (found != owned_.end()) return &found->second;
  const ClusterStream* spec = spec_named(stream);
  if (spec == nullptr) {
    ++counters_.unknown_streams;
    return nullptr;
  }
  return &owned_.emplace(stream, make_owned(*spec, partition)).first->second;
}

void PartialsOwner::add_rows(std::span<const std::byte> payload, int32_t partition) {
  ++counters_.partials;
  CaptureRows record;
  try {
    record = decode_capture_rows(payload);
  } catch (const InputError& error) {
    ++counters_.malformed_partials;
    client_log_.report(std::string("capture rows that do not decode: ") + error.what());
    return;
  }
  Owned* const found = owned_for(record.stream, partition);
  if (found == nullptr) return;
  Owned& owned = *found;
  if (!owned.binner || !fits(record.rows, owned.binner->schema())) {
    ++counters_.rejected;
    client_log_.report("capture rows of stream " + record.stream + " from " + record.producer +
                       " are rejected: " +
                       (owned.binner ? "other columns than the stream's"
                                     : "the stream's reference is a file here") +
                       " (instances with different configurations?)");
    return;
  }
  owned.moved = true;
  ++counters_.rows_added;
  if (owned.binner->monitoring()) {
    owned.binner->ingest_rows(0, record.rows, clock_.wall_ms());
    add_binned(owned);
    return;
  }
  // Captured: the capture ends when the partitions' progress allows
  // (try_end_capture), not at these rows' own times.
  owned.binner->ingest_rows(0, record.rows, clock_.wall_ms(), kMinTimestampMs);
  owned.capture_rows.push_back(std::move(record.rows));
}

void PartialsOwner::add_binned(Owned& owned) {
  PaneCut cut = owned.binner->cut(clock_.wall_ms());
  const auto add = [&](std::vector<PanePiece>& panes, std::size_t counters, uint64_t fingerprint,
                       int64_t version) {
    if (panes.empty()) return;
    PanePartial partial;
    partial.stream = owned.spec->config->name;
    partial.producer = owner_;
    partial.reference_version = version;
    partial.layout_fingerprint = fingerprint;
    partial.counters = static_cast<uint32_t>(counters);
    for (PanePiece& piece : panes) partial.panes.push_back({piece.pane, std::move(piece.deltas)});
    route(owned, partial, activity_.now());
  };
  // The binner switches with the owner (start_switch()): its binnings'
  // versions are the merges'.
  add(cut.panes, cut.counters, cut.layout_fingerprint, owned.binned_version);
  if (cut.successor) {
    add(cut.successor->panes, cut.successor->counters, cut.successor->layout_fingerprint,
        owned.binned_next_version);
  }
}

StreamMerge::Outcome PartialsOwner::route(Owned& owned, const PanePartial& partial,
                                          int64_t activity) {
  start_switch(owned);  // a switch published since, before its first partial
  // Across a switch, each merge adds the partials of its version and
  // follows the others' progress.
  if (owned.next && partial.reference_version == owned.next->reference_version) {
    const StreamMerge::Outcome outcome = owned.next->merge->add(partial, activity);
    if (outcome == StreamMerge::Outcome::added) owned.merge->follow(partial, activity);
    return outcome;
  }
  // After one: an instance's stragglers binned with the references switched
  // from, late now.
  if (partial.reference_version != owned.reference_version && partial.reference_version != 0) {
    const auto timeline = timelines_.find(owned.spec->config->name);
    const ReferenceTimeline::Entry* before =
        timeline == timelines_.end() ? nullptr
                                     : timeline->second.before_version(owned.reference_version);
    if (before != nullptr && before->record.version == partial.reference_version) {
      add_switched_from(owned, partial, activity);
      return StreamMerge::Outcome::added;
    }
  }
  const StreamMerge::Outcome outcome = owned.merge->add(partial, activity);
  if (outcome == StreamMerge::Outcome::added && owned.next) owned.next->merge->follow(partial, activity);
  return outcome;
}

void PartialsOwner::add_switched_from(Owned& owned, const PanePartial& partial,
                                      int64_t activity) {
  owned.merge->add_switched_from(partial, activity);
  uint64_t events = 0;
  for (const PaneDelta& delta : partial.panes) events += delta.counts[WindowAssembler::kEventCounter];
  if (events == 0) return;  // the old binning's progress alone: nothing late
  ++counters_.switched_from;
  const std::string& stream = owned.spec->config->name;
  if (!late_binnings_logged_.emplace(stream, partial.producer, partial.reference_version).second) {
    return;
  }
  std::fprintf(stderr,
               "driftd: cluster owner: stream '%s': instance %s sent events binned with reference "
               "version %lld after the stream switched from it: they are counted late (%llu in "
               "this partial; logged once per instance and version). If they are from the "
               "switch's time on, the instance learned of the switch late: cluster.switch_lead "
               "must exceed how late instances follow the references topic\n",
               stream.c_str(), partial.producer.c_str(),
               static_cast<long long>(partial.reference_version),
               static_cast<unsigned long long>(events));
}

void PartialsOwner::try_end_capture(Owned& owned) {
  if (!owned.binner || owned.binner->monitoring()) return;
  if (const std::optional<int64_t> frontier = owned.merge->frontier(activity_.now())) {
    owned.binner->observe_event_time(0, *frontier, clock_.wall_ms());
  }
  if (owned.binner->monitoring()) on_captured(owned);
}

void PartialsOwner::on_captured(Owned& owned) {
  const config::StreamConfig& config = *owned.spec->config;
  const StreamReferences* references = owned.binner->take_new_references();
  ReferenceRecord record;
  try {
    record = versioned_reference_record(config, *references, "capture", clock_.wall_ms());
  } catch (const std::invalid_argument& error) {
    // Nothing a reference record can carry (a variance beyond double range):
    // the stream stays without windows, its partials rejected, until the
    // configuration gives it a reference file.
    client_log_.report("stream " + config.name + " captured a reference that cannot be published: " +
                       error.what());
    return;
  }
  install(owned, std::make_shared<const StreamReferences>(*references), record.version);
  owned.binned_version = record.version;  // the binner captured it
  // A capture ends on a pane boundary of event time: windows start there.
  owned.merge->set_reference(record.version, owned.layout->fingerprint(), owned.layout->size(),
                             owned.binner->windows_from_ms().value_or(kMinTimestampMs));
  owned.captured = std::move(record);
  owned.capture_rows.clear();
  owned.moved = true;
  ++counters_.references_captured;
  std::fprintf(stderr, "driftd: cluster owner: stream '%s' captured its reference (version %lld)\n",
               config.name.c_str(), static_cast<long long>(owned.reference_version));
  add_binned(owned);  // the rows beyond the cut
}

void PartialsOwner::replay_capture(Owned& owned,
                                   const std::map<uint64_t, std::vector<std::byte>>& chunks) {
  for (const auto& [number, bytes] : chunks) {
    const CaptureRows rows = decode_capture_rows(bytes);
    if (!fits(rows.rows, owned.binner->schema())) {
      throw InputError("capture chunk " + std::to_string(number) + " has other columns than the stream");
    }
    owned.binner->ingest_rows(0, rows.rows, clock_.wall_ms(), kMinTimestampMs);
    owned.capture_chunks = std::max(owned.capture_chunks, number + 1);
  }
}

void PartialsOwner::close_windows(const OnWindow& on_window) {
  for (auto& entry : owned_) {
    Owned& owned = entry.second;  // not a structured binding: the lambdas capture it
    try_end_capture(owned);
    if (owned.reference_version == 0) continue;  // capturing: no window yet
    start_switch(owned);
    const int64_t activity = activity_.now();
    owned.merge->poll(activity, [&](const ClosedWindow& window) {
      publish_window(owned, window, *owned.references, *owned.layout, owned.reference_version,
                     on_window);
    });
    if (owned.next) {
      const Owned::Next& next = *owned.next;
      next.merge->poll(activity, [&](const ClosedWindow& window) {
        publish_window(owned, window, *next.references, *next.layout, next.reference_version,
                       on_window);
      });
    }
    complete_switch(owned);
  }
}

uint64_t PartialsOwner::late_events(const Owned& owned) {
  return owned.merge->totals().late_events +
         (owned.next ? owned.next->merge->totals().late_events : 0);
}

void PartialsOwner::publish_window(Owned& owned, const ClosedWindow& window,
                                   const StreamReferences& references, const CounterLayout& layout,
                                   int64_t version, const OnWindow& on_window) {
  const config::StreamConfig& stream = *owned.spec->config;
  const uint64_t late_now = late_events(owned);
  const WindowEvaluation evaluation =
      evaluate_window(stream, references, layout, window.counts, window.bounds);
  OwnedWindow closed{&stream, window.counts, window.bounds, late_now - owned.late_reported,
                     &evaluation, owned.alerts->apply(evaluation)};
  owned.late_reported = late_now;
  owned.moved = true;
  ++counters_.windows;
  if (on_window) on_window(closed);
  WindowResult result;
  result.stream = stream.name;
  result.owner = owner_;
  result.reference_version = version;
  result.layout_fingerprint = layout.fingerprint();
  result.bounds = closed.bounds;
  result.late = closed.late;
  result.counts.assign(window.counts.begin(), window.counts.end());
  result.changes = std::move(closed.changes);
  pending_.push_back({owned.partition, stream.name, encode_window_result(result)});
}

bool PartialsOwner::step(std::chrono::milliseconds wait, const OnWindow& on_window) {
  if (failed_) return false;
  load_unloaded();
  const auto deadline = clock_.steady() + wait;
  for (std::size_t n = 0; n < kBatch; ++n) {
    const auto left = n == 0 ? std::max<int64_t>(millis(deadline - clock_.steady()).count(), 0) : 0;
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_.get(), static_cast<int>(left));
    if (message == nullptr) break;
    const kafka::Message owned(message);
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        client_log_.report(rd_kafka_message_errstr(message));
      }
      continue;
    }
    // A message of a partition revoked meanwhile is not this owner's; one
    // of a partition not loaded yet is read again once it is.
    if (!assigned_.contains(message->partition) || unloaded_.contains(message->partition)) continue;
    consumed_[message->partition] = message->offset + 1;
    consumed_since_commit_ = true;
    const std::span payload(static_cast<const std::byte*>(message->payload), message->len);
    if (is_capture_rows(payload)) {
      add_rows(payload, message->partition);
    } else {
      add_partial(payload, message->partition);
    }
  }
  // Switches published since (the first read is a take-over's).
  if (references_read_) read_references();
  close_windows(on_window);
  if (clock_.steady() - last_commit_ >= commit_interval_) commit();
  return !failed_;
}

void PartialsOwner::commit() {
  last_commit_ = clock_.steady();
  // Windows close without partials too (idle partitions on the activity
  // clock): then their results and states go out with the same offsets.
  if (!consumed_since_commit_ && pending_.empty()) return;
  // The records point into these (a deque keeps them where they are).
  std::deque<std::vector<std::byte>> values;
  std::deque<std::string> keys;
  std::vector<CutPublisher::Record> records;
  // Captures: an ended one's reference and the deletion of its chunks, a
  // running one's rows since the last commit as new chunks.
  std::map<std::string, uint64_t> chunks_after;
  for (auto& [name, owned] : owned_) {
    if (owned.captured) {
      records.push_back({name, values.emplace_back(encode_reference_record(*owned.captured,
                                                                           *owned.spec->config)),
                         references_topic_, 0});
      for (uint64_t n = 0; n < owned.capture_chunks; ++n) {
        records.push_back({keys.emplace_back(capture_chunk_key(name, n)), {}, state_topic_,
                           owned.partition});
      }
      chunks_after[name] = 0;
      continue;
    }
    uint64_t next = owned.capture_chunks;
    for (const ingest::RawRows& rows : owned.capture_rows) {
      const CaptureRows chunk{.stream = name, .producer = owner_, .sequence = next, .rows = rows};
      for (std::vector<std::byte>& bytes : encode_capture_rows_records(chunk)) {
        records.push_back({keys.emplace_back(capture_chunk_key(name, next++)),
                           values.emplace_back(std::move(bytes)), state_topic_, owned.partition});
      }
    }
    chunks_after[name] = next;
  }
  for (const PendingResult& result : pending_) {
    records.push_back({result.stream, result.value, {}, kResultsPartition});
  }
  for (auto& [name, owned] : owned_) {
    if (!owned.moved) continue;
    const auto consumed = consumed_.find(owned.partition);
    OwnerState state;
    state.stream = name;
    state.merge = owned.merge->checkpoint();
    if (consumed != consumed_.end()) state.merge.next_partials_offset = consumed->second;
    state.late_reported = owned.late_reported;
    state.rules = owned.alerts->states();
    records.push_back({name, values.emplace_back(encode_owner_state(state)), state_topic_,
                       owned.partition});
    // Across a switch, the next merge's checkpoint beside it; once the
    // switch completed, none.
    if (owned.next) {
      OwnerState next;
      next.stream = name;
      next.merge = owned.next->merge->checkpoint();
      if (consumed != consumed_.end()) next.merge.next_partials_offset = consumed->second;
      records.push_back({keys.emplace_back(name + std::string(kNextStateSuffix)),
                         values.emplace_back(encode_owner_state(next)), state_topic_,
                         owned.partition});
    } else if (owned.next_state_stale) {
      records.push_back({keys.emplace_back(name + std::string(kNextStateSuffix)), {}, state_topic_,
                         owned.partition});
    }
  }
  const kafka::PartitionList offsets(rd_kafka_topic_partition_list_new(static_cast<int>(consumed_.size())));
  for (const auto& [partition, next] : consumed_) {
    rd_kafka_topic_partition_list_add(offsets.get(), topic_.c_str(), partition)->offset = next;
  }
  const kafka::GroupMetadata group(rd_kafka_consumer_group_metadata(consumer_.get()));
  const CutPublisher::Result result =
      results_.publish(records, offsets.get(), group.get(), kTransactionTimeout);
  switch (result.outcome) {
    case CutPublisher::Outcome::committed:
      ++counters_.transactions;
      counters_.windows_published += pending_.size();
      pending_.clear();
      consumed_since_commit_ = false;
      for (auto& [name, owned] : owned_) {
        owned.moved = false;
        owned.next_state_stale = false;  // its deletion went out
        owned.capture_rows.clear();
        owned.capture_chunks = chunks_after[name];
        if (owned.captured) {
          timelines_[name].set_first(std::move(*owned.captured));
          owned.captured.reset();
        }
      }
      return;
    case CutPublisher::Outcome::aborted:
      ++counters_.aborts;
      client_log_.report("the results transaction aborted (" + result.error +
                         "): reloading from the state topic");
      reload();
      return;
    case CutPublisher::Outcome::fenced:
      failed_ = "the results producer was fenced: " + result.error;
      return;
  }
}

void PartialsOwner::reload() {
  owned_.clear();
  pending_.clear();
  consumed_.clear();
  consumed_since_commit_ = false;
  unload(assigned_);
}

void PartialsOwner::unload(const std::set<int32_t>& partitions) {
  if (partitions.empty()) return;
  const kafka::PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const int32_t partition : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), partition);
    unloaded_.insert(partition);
  }
  // Nothing of them is read until they are loaded (their messages fetched
  // meanwhile are skipped; loading seeks back to the committed offset).
  rd_kafka_pause_partitions(consumer_.get(), list.get());
}

void PartialsOwner::load_unloaded() {
  if (unloaded_.empty() || clock_.steady() < next_load_) return;
  const std::set<int32_t> partitions = unloaded_;
  const kafka::PartitionList positions(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const int32_t partition : partitions) {
    rd_kafka_topic_partition_list_add(positions.get(), topic_.c_str(), partition);
  }
  rd_kafka_t* consumer = consumer_.get();
  try {
    // Where the state's transaction left the partials, and the state.
    if (const rd_kafka_resp_err_t failed =
            rd_kafka_committed(consumer, positions.get(), static_cast<int>(kTakeOverTimeout.count()))) {
      throw std::runtime_error(std::string("reading the committed partials offsets: ") +
                               rd_kafka_err2str(failed));
    }
    for (int i = 0; i < positions->cnt; ++i) {
      rd_kafka_topic_partition_t& position = positions->elems[i];
      // A partition's own error (such as an open transaction's offsets not
      // settled yet): its offset is unknown, not absent.
      if (position.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw std::runtime_error("reading the committed offset of partials partition " +
                                 std::to_string(position.partition) + ": " +
                                 rd_kafka_err2str(position.err));
      }
      // None committed yet: the partition's first partial.
      if (position.offset < 0) position.offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    if (rd_kafka_error_t* error = rd_kafka_seek_partitions(
            consumer, positions.get(), static_cast<int>(kTakeOverTimeout.count()))) {
      const std::string reason = rd_kafka_error_string(error);
      rd_kafka_error_destroy(error);
      throw std::runtime_error("rewinding the partials: " + reason);
    }
    read_references();
    for (const int32_t partition : partitions) {
      std::erase_if(owned_, [&](const auto& entry) { return entry.second.partition == partition; });
      take_over(partition);
    }
  } catch (const std::runtime_error& failure) {
    // The broker away: try again a little later, these partitions paused.
    for (const int32_t partition : partitions) {
      std::erase_if(owned_, [&](const auto& entry) { return entry.second.partition == partition; });
    }
    next_load_ = clock_.steady() + kLoadRetry;
    client_log_.report(std::string("taking partials partitions over (retrying): ") + failure.what());
    return;
  }
  for (const int32_t partition : partitions) unloaded_.erase(partition);
  rd_kafka_resume_partitions(consumer, positions.get());
  std::fprintf(stderr, "driftd: cluster owner: %zu partials partition(s) taken over, %llu stream(s) "
                       "restored from the state topic so far\n",
               partitions.size(), static_cast<unsigned long long>(counters_.states_restored));
}

void PartialsOwner::start_at_committed(rd_kafka_topic_partition_list_t* partitions) {
  const kafka::PartitionList committed(rd_kafka_topic_partition_list_copy(partitions));
  if (rd_kafka_committed(consumer_.get(), committed.get(),
                         static_cast<int>(kAssignLookup.count())) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return;
  }
  for (int i = 0; i < committed->cnt; ++i) {
    if (committed->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  }
  for (int i = 0; i < committed->cnt; ++i) {
    // None committed yet: the partition's first partial, as load_unloaded() reads it.
    const int64_t offset = committed->elems[i].offset;
    partitions->elems[i].offset = offset >= 0 ? offset : RD_KAFKA_OFFSET_BEGINNING;
  }
}

void PartialsOwner::on_rebalance(int error, rd_kafka_topic_partition_list_t* partitions) {
  rd_kafka_t* consumer = consumer_.get();
  const bool cooperative = kafka::cooperative_rebalance(consumer);
  const auto check = [this](rd_kafka_error_t* failure) {
    if (failure == nullptr) return;
    client_log_.report(std::string("rebalance: ") + rd_kafka_error_string(failure));
    rd_kafka_error_destroy(failure);
  };
  if (error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    client_log_.reached();
    start_at_committed(partitions);
    if (cooperative) {
      check(rd_kafka_incremental_assign(consumer, partitions));
    } else if (const rd_kafka_resp_err_t failed = rd_kafka_assign(consumer, partitions)) {
      client_log_.report(std::string("assign: ") + rd_kafka_err2str(failed));
    }
    // Taken over outside the callback (load_unloaded(), at the next step):
    // the state read may wait for the broker.
    std::set<int32_t> added;
    for (int i = 0; i < partitions->cnt; ++i) added.insert(partitions->elems[i].partition);
    assigned_.insert(added.begin(), added.end());
    unload(added);
    return;
  }
  if (error == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    // What was merged goes out before the next owner reads on; a lost
    // assignment (or a closing owner) leaves it to the next owner instead.
    if (!closed_ && !failed_ && !rd_kafka_assignment_lost(consumer)) commit();
    for (int i = 0; i < partitions->cnt; ++i) drop(partitions->elems[i].partition);
    if (cooperative) {
      check(rd_kafka_incremental_unassign(consumer, partitions));
    } else {
      rd_kafka_assign(consumer, nullptr);
    }
    return;
  }
  client_log_.report(std::string("rebalance failed: ") +
                     rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(error)));
  for (const int32_t partition : std::set<int32_t>(assigned_)) drop(partition);
  rd_kafka_assign(consumer, nullptr);
}

}  // namespace driftd::cluster
