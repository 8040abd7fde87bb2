#include "app/cluster_node.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "cluster/cluster_topics.h"
#include "cluster/reference_record.h"
#include "cluster/reference_timeline.h"
#include "cluster/stored_references.h"
#include "common/error.h"
#include "common/thread_name.h"
#include "kafka/instance_id.h"

namespace driftd {
namespace {

constexpr std::chrono::milliseconds kSetupTimeout{60'000};
constexpr std::chrono::milliseconds kOwnerWait{100};
// Results committed to SQLite per tick, at most (a catch-up spreads over
// ticks, so the loop keeps its other duties).
constexpr std::size_t kResultsPerTick = 1000;

std::string instance_id_of(const config::Config& config) {
  const std::optional<std::string> id = kafka::group_instance_id(config);
  // The configuration's rules refuse kafka.instance_id "" in cluster mode.
  if (!id || id->empty()) throw std::runtime_error("cluster mode needs a kafka.instance_id");
  return *id;
}

// The cluster's view of each stream, once the internal topics exist.
std::vector<cluster::ClusterStream> cluster_streams_of(
    const config::Config& config, const std::vector<std::unique_ptr<StreamRuntime>>& streams) {
  cluster::ensure_cluster_topics(*config.kafka, *config.cluster, kSetupTimeout);
  std::vector<std::string> topics;
  for (const auto& stream : streams) topics.push_back(stream->config().source.topic);
  const std::map<std::string, int32_t> partitions =
      cluster::partition_counts(*config.kafka, topics, kSetupTimeout);
  std::vector<cluster::ClusterStream> out;
  for (const auto& stream : streams) {
    cluster::ClusterStream& spec = out.emplace_back();
    spec.config = &stream->config();
    spec.source_partitions = partitions.at(stream->config().source.topic);
    if (spec.config->reference.type == config::ReferenceType::capture) continue;  // the owner's
    spec.references = stream->references();
    // The version every instance derives from the same reference file.
    spec.reference_version =
        cluster::versioned_reference_record(*spec.config, spec.references, "file", 0).version;
  }
  return out;
}

std::vector<StreamRuntime*> runtimes(const std::vector<std::unique_ptr<StreamRuntime>>& streams) {
  std::vector<StreamRuntime*> out;
  for (const auto& stream : streams) out.push_back(stream.get());
  return out;
}

std::vector<int64_t> versions(const std::vector<cluster::ClusterStream>& streams) {
  std::vector<int64_t> out;
  for (const cluster::ClusterStream& stream : streams) out.push_back(stream.reference_version);
  return out;
}

}  // namespace

ClusterNode::ClusterNode(const config::Config& config,
                         std::vector<std::unique_ptr<StreamRuntime>>& streams,
                         store::DriftStore& store, const Clock& clock)
    : config_(config),
      clock_(clock),
      instance_id_(instance_id_of(config)),
      runtimes_(runtimes(streams)),
      store_(store),
      cluster_streams_(cluster_streams_of(config, streams)),
      references_follower_(*config.kafka, config.cluster->references_topic, clock),
      installed_versions_(streams.size(), 0),
      switches_(streams.size()),
      scheduled_until_(streams.size(), INT64_MIN),
      cut_publisher_(*config.kafka, config.cluster->partials_topic, instance_id_ + ".cuts",
                     kSetupTimeout),
      cuts_(runtimes(streams), versions(cluster_streams_), cut_publisher_, instance_id_, clock),
      results_publisher_(*config.kafka, config.cluster->results_topic, instance_id_ + ".owner",
                         kSetupTimeout),
      materializer_(*config.kafka, *config.cluster, cluster_streams_, store, instance_id_, clock),
      last_cut_(clock.steady()) {
  for (const cluster::KeyedRecord& record : references_follower_.read_to_end(kSetupTimeout)) {
    follow(record);
  }
  for (std::size_t s = 0; s < switches_.size(); ++s) schedule_switches(s);
}

void ClusterNode::follow(const cluster::KeyedRecord& record) {
  const std::optional<cluster::SwitchKey> switch_key = cluster::parse_reference_switch_key(record.key);
  const std::string& name = switch_key ? switch_key->stream : record.key;
  const auto found = std::ranges::find_if(cluster_streams_, [&](const cluster::ClusterStream& stream) {
    return stream.config->name == name;
  });
  if (found == cluster_streams_.end() || record.value.empty()) return;
  const std::size_t s = static_cast<std::size_t>(found - cluster_streams_.begin());
  if (!switch_key) {
    // A file's stream has its first reference from the file.
    if (found->config->reference.type == config::ReferenceType::capture) install_captured(s, record);
    return;
  }
  cluster::ReferenceRecord next;
  try {
    next = cluster::decode_reference_record(record.value, *found->config);
  } catch (const InputError& error) {
    std::fprintf(stderr, "driftd: stream '%s': the references topic's switch at %lld ms does not "
                         "fit this instance's configuration, not applied: %s\n",
                 name.c_str(), static_cast<long long>(switch_key->from_ms), error.what());
    return;
  }
  if (switch_key->from_ms <= scheduled_until_[s]) {
    std::fprintf(stderr, "driftd: stream '%s': a switch at %lld ms comes after one at %lld ms was "
                         "applied, not applied\n",
                 name.c_str(), static_cast<long long>(switch_key->from_ms),
                 static_cast<long long>(scheduled_until_[s]));
    return;
  }
  materializer_.add_references(s, next.version,
                               std::make_shared<const StreamReferences>(next.references));
  switches_[s].insert_or_assign(switch_key->from_ms, std::move(next));
  schedule_switches(s);
}

void ClusterNode::schedule_switches(std::size_t s) {
  if (!runtimes_[s]->monitoring()) return;  // the captured reference first
  for (auto& [from_ms, record] : switches_[s]) {
    if (from_ms <= scheduled_until_[s]) continue;
    std::fprintf(stderr, "driftd: stream '%s': switches to reference version %lld (%s) from %lld ms\n",
                 record.stream.c_str(), static_cast<long long>(record.version),
                 record.origin.c_str(), static_cast<long long>(from_ms));
    cuts_.schedule_switch(s, record.references, record.version, from_ms);
    scheduled_until_[s] = from_ms;
  }
}

void ClusterNode::install_captured(std::size_t s, const cluster::KeyedRecord& record) {
  const config::StreamConfig& config = *cluster_streams_[s].config;
  cluster::ReferenceRecord captured;
  try {
    captured = cluster::decode_reference_record(record.value, config);
  } catch (const InputError& error) {
    std::fprintf(stderr, "driftd: stream '%s': the references topic's reference does not fit this "
                         "instance's configuration, not installed: %s\n",
                 config.name.c_str(), error.what());
    return;
  }
  if (captured.version == installed_versions_[s]) return;
  if (installed_versions_[s] != 0) {
    std::fprintf(stderr, "driftd: stream '%s': the references topic holds reference version %lld; "
                         "this instance bins with version %lld until it restarts\n",
                 config.name.c_str(), static_cast<long long>(captured.version),
                 static_cast<long long>(installed_versions_[s]));
    return;
  }
  StreamReferences references = cluster::stored_references(
      store_, config, std::move(captured.references), captured.version, "capture (cluster)");
  runtimes_[s]->install_references(references);
  cuts_.set_reference_version(s, captured.version);
  materializer_.set_references(s, std::make_shared<const StreamReferences>(std::move(references)),
                               captured.version);
  installed_versions_[s] = captured.version;
  std::fprintf(stderr, "driftd: stream '%s': installed the captured reference version %lld\n",
               config.name.c_str(), static_cast<long long>(captured.version));
  schedule_switches(s);
}

ClusterNode::~ClusterNode() { stop_owner(); }

void ClusterNode::start_owner() {
  owner_ = std::make_unique<cluster::PartialsOwner>(*config_.kafka, *config_.cluster,
                                                    cluster_streams_, results_publisher_,
                                                    instance_id_, clock_);
  owner_thread_ = std::thread([this] {
    name_this_thread("cluster-owner");
    while (!stopping_.load(std::memory_order_acquire)) {
      const bool going_on = owner_->step(kOwnerWait);
      std::lock_guard lock(mutex_);
      owner_counters_ = owner_->counters();
      if (going_on) continue;
      owner_failure_ = *owner_->failed();
      std::fprintf(stderr, "driftd: cluster owner stopped: %s\n", owner_failure_->c_str());
      return;
    }
  });
}

void ClusterNode::stop_owner() {
  if (!owner_thread_.joinable()) return;
  stopping_.store(true, std::memory_order_release);
  owner_thread_.join();
  owner_->leave();
}

std::optional<std::string> ClusterNode::failure() const {
  if (cuts_.fenced()) return std::string("the cuts' producer was fenced: this instance id runs elsewhere");
  std::lock_guard lock(mutex_);
  return owner_failure_;
}

ClusterProgress ClusterNode::progress() const {
  ClusterProgress out;
  out.cuts = cuts_.counters();
  std::lock_guard lock(mutex_);
  out.owner = owner_counters_;
  out.results = result_counters_;
  out.results_next_offset = results_next_offset_;
  return out;
}

cluster::Materialized ClusterNode::tick(bool final) {
  const Clock::SteadyTime now = clock_.steady();
  if (!cuts_.fenced() && (final || now - last_cut_ >= config_.cluster->commit_interval)) {
    last_cut_ = now;
    const cluster::CutPublisher::Result result = cuts_.cut(clock_.wall_ms());
    if (result.outcome != cluster::CutPublisher::Outcome::committed) {
      std::fprintf(stderr, "driftd: cluster cut %s: %s\n",
                   result.outcome == cluster::CutPublisher::Outcome::aborted ? "aborted (read again)"
                                                                             : "fenced",
                   result.error.c_str());
    }
  }
  for (const cluster::KeyedRecord& record : references_follower_.poll(std::chrono::milliseconds(0))) {
    follow(record);
  }
  cluster::Materialized done = materializer_.poll(std::chrono::milliseconds(0), kResultsPerTick);
  {
    std::lock_guard lock(mutex_);
    result_counters_ = materializer_.counters();
    results_next_offset_ = materializer_.next_offset();
  }
  if (on_failure_ && !failure_reported_) {
    if (const std::optional<std::string> why = failure()) {
      failure_reported_ = true;
      on_failure_(*why);
    }
  }
  return done;
}

}  // namespace driftd
