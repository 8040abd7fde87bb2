#include "cli/reference_switch.h"

#include <charconv>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "cli/cli_error.h"
#include "cluster/reference_record.h"
#include "cluster/reference_timeline.h"
#include "cluster/references_follower.h"
#include "config/config_error.h"
#include "kafka/producer_config.h"
#include "pipeline/file_reference.h"
#include "pipeline/stream_layout.h"
#include "window/pane.h"

namespace driftd::cli {
namespace {

constexpr std::chrono::milliseconds kKafkaTimeout{10'000};

// The stream's timeline as the references topic holds it.
cluster::ReferenceTimeline read_timeline(const config::Config& config,
                                         const config::StreamConfig& stream, const Clock& clock) {
  std::vector<cluster::KeyedRecord> records;
  try {
    cluster::ReferencesFollower follower(*config.kafka, config.cluster->references_topic, clock);
    records = follower.read_to_end(kKafkaTimeout);
  } catch (const config::ConfigError& error) {
    throw UsageError(error.path() + ": " + error.problem());
  } catch (const std::runtime_error& error) {
    throw UsageError(std::string("kafka: ") + error.what());
  }
  cluster::ReferenceTimeline timeline;
  if (stream.reference.type == config::ReferenceType::file) {
    // Every instance reads the file itself: its version is in no record.
    try {
      timeline.set_first(cluster::versioned_reference_record(
          stream, references_from_file(stream, stream.reference.path), "file", 0));
    } catch (const InputError& error) {
      throw UsageError("stream '" + stream.name + "': its reference file (reference.path) is "
                       "needed to tell the new references from it: " + error.what());
    }
  }
  for (const cluster::KeyedRecord& record : records) {
    const std::optional<cluster::SwitchKey> key = cluster::parse_reference_switch_key(record.key);
    if ((key ? key->stream : record.key) != stream.name || record.value.empty()) continue;
    try {
      cluster::ReferenceRecord decoded = cluster::decode_reference_record(record.value, stream);
      if (key) {
        timeline.add_switch(key->from_ms, std::move(decoded));
      } else {
        timeline.set_first(std::move(decoded));
      }
    } catch (const InputError& error) {
      throw UsageError("stream '" + stream.name + "': the references topic's record " + record.key +
                       " does not fit this configuration: " + error.what());
    }
  }
  return timeline;
}

void produce(const config::Config& config, const std::string& key,
             const std::vector<std::byte>& value) {
  kafka::ConfPtr conf = kafka::make_producer_config(*config.kafka);
  char error[512];
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error, sizeof error);
  if (producer == nullptr) throw UsageError(std::string("kafka: ") + error);
  conf.release();  // rd_kafka_new() took it
  const std::string& topic = config.cluster->references_topic;
  rd_kafka_resp_err_t failed = rd_kafka_producev(
      producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
      RD_KAFKA_V_KEY(key.data(), key.size()),
      RD_KAFKA_V_VALUE(const_cast<std::byte*>(value.data()), value.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
  if (failed == RD_KAFKA_RESP_ERR_NO_ERROR) {
    failed = rd_kafka_flush(producer, static_cast<int>(kKafkaTimeout.count()));
  }
  rd_kafka_destroy(producer);
  if (failed != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw UsageError("kafka: publishing to " + topic + ": " + rd_kafka_err2str(failed));
  }
}

}  // namespace

nlohmann::ordered_json switch_json(const PublishedSwitch& published) {
  return {{"from_ms", published.from_ms}, {"reference_version", published.version}};
}

std::optional<int64_t> parse_switch_time(const std::string& text, const config::Config& config) {
  if (text.empty()) return std::nullopt;
  if (!config.cluster) {
    throw UsageError("--from applies to cluster mode only (a config with a cluster section)");
  }
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    throw UsageError("--from " + text + ": not a time in milliseconds since the epoch");
  }
  return value;
}

std::optional<int64_t> active_cluster_version(store::DriftStore& store,
                                              const config::StreamConfig& stream) {
  const std::optional<StreamReferences> stored = store.load_active_references(stream);
  if (!stored) return std::nullopt;
  try {
    return cluster::versioned_reference_record(stream, *stored, "", 0).version;
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

PublishedSwitch publish_reference_switch(const config::Config& config,
                                         const config::StreamConfig& stream,
                                         const StreamReferences& references,
                                         const std::string& origin, std::optional<int64_t> from_ms,
                                         std::optional<int64_t> active_version, const Clock& clock) {
  const std::string what = "stream '" + stream.name + "': ";
  const cluster::ReferenceTimeline timeline = read_timeline(config, stream, clock);
  if (stream.reference.type == config::ReferenceType::capture && !timeline.has_first()) {
    throw UsageError(what + "its reference is not captured yet: import once it is");
  }
  const int64_t now_ms = clock.wall_ms();
  const cluster::ReferenceRecord record =
      cluster::versioned_reference_record(stream, references, origin, now_ms);
  const int64_t lead_ms = config.cluster->switch_lead.count();
  int64_t earliest = now_ms + lead_ms +
                     (stream.event_time ? stream.event_time->max_future.count() : 0);
  if (const cluster::ReferenceTimeline::Entry* had = timeline.of_version(record.version)) {
    throw UsageError(what + "these references were already its own (reference version " +
                     std::to_string(record.version) +
                     (had->from_ms == kMinTimestampMs ? std::string(", its first")
                                                      : ", from " + std::to_string(had->from_ms) + " ms") +
                     "): a switch needs references it never had (a switch back is not "
                     "supported in cluster mode)");
  }
  const std::span<const cluster::ReferenceTimeline::Entry> entries = timeline.entries();
  if (!entries.empty()) {
    const cluster::ReferenceTimeline::Entry& latest = entries.back();
    if (latest.from_ms != kMinTimestampMs) {
      if (active_version != latest.record.version) {
        throw UsageError(what + "its switch to reference version " +
                         std::to_string(latest.record.version) + " from " +
                         std::to_string(latest.from_ms) +
                         " ms is not in effect in this database yet (no window evaluated with it "
                         "came): import again once it is");
      }
      earliest = std::max(earliest, latest.from_ms + 1);
    }
  }
  if (from_ms && *from_ms < earliest) {
    throw UsageError("--from " + std::to_string(*from_ms) + " ms is too early: the earliest is " +
                     std::to_string(earliest) + " ms (now, plus " +
                     std::to_string(lead_ms) +
                     " ms of cluster.switch_lead, plus event_time.max_future)");
  }
  // On a pane boundary, so no pane holds events of both references.
  const int64_t pane = window_spec(stream).slide().count();  // size() when tumbling
  const int64_t wanted = from_ms.value_or(earliest);
  const int64_t switch_ms = (wanted + pane - 1) / pane * pane;
  try {
    produce(config, cluster::reference_switch_key(stream.name, switch_ms),
            cluster::encode_reference_record(record, stream));
  } catch (const config::ConfigError& error) {
    throw UsageError(error.path() + ": " + error.problem());
  }
  return {switch_ms, record.version};
}

}  // namespace driftd::cli
