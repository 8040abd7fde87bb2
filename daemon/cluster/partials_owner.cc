#include "cluster/partials_owner.h"

#include <chrono>
#include <stdexcept>
#include <utility>

#include <librdkafka/rdkafka.h>

#include "cluster/pane_partial.h"
#include "cluster/window_result.h"
#include "common/clock.h"
#include "common/error.h"
#include "kafka/consumer_config.h"
#include "kafka/rdkafka_owned.h"
#include "pipeline/stream_layout.h"

namespace driftd::cluster {
namespace {

constexpr std::size_t kBatch = 1000;
constexpr std::chrono::milliseconds kTransactionTimeout{30'000};


}  // namespace

void PartialsOwner::HandleDeleter::operator()(rd_kafka_s* handle) const { rd_kafka_destroy(handle); }

PartialsOwner::PartialsOwner(const config::KafkaConfig& kafka, const config::ClusterConfig& cluster,
                             std::vector<OwnedStreamSpec> streams, CutPublisher& results,
                             std::string owner, const Clock& clock)
    : topic_(cluster.partials_topic),
      results_(results),
      owner_(std::move(owner)),
      clock_(clock),
      client_log_("partials topic " + topic_ + " (owner): ", {topic_}, clock_) {
  for (OwnedStreamSpec& spec : streams) {
    Owned& owned = streams_.emplace_back();
    owned.layout = std::make_unique<CounterLayout>(counter_layout(*spec.config, spec.references));
    owned.merge = std::make_unique<StreamMerge>(
        window_spec(*spec.config), owned.layout->size(), spec.reference_version,
        owned.layout->fingerprint(),
        spec.config->event_time ? spec.config->event_time->idle_timeout.count() : 0);
    owned.merge->set_partition_count(spec.source_partitions);
    owned.alerts = std::make_unique<StreamAlerts>(*spec.config);
    owned.spec = std::move(spec);
  }
  config::KafkaConfig owners = kafka;
  owners.group_id = cluster.owner_group_id;
  kafka::ConfPtr conf = kafka::make_consumer_config(owners, std::nullopt);
  kafka::set_conf(conf.get(), "isolation.level", "read_committed", "cluster");
  kafka::log_to(conf.get(), client_log_);
  char error[512];
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof error);
  if (consumer == nullptr) throw std::runtime_error(std::string("cluster owner: ") + error);
  conf.release();  // rd_kafka_new() took it
  consumer_.reset(consumer);
  rd_kafka_poll_set_consumer(consumer);
  rd_kafka_topic_partition_list_t* subscription = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(subscription, topic_.c_str(), RD_KAFKA_PARTITION_UA);
  const rd_kafka_resp_err_t subscribed = rd_kafka_subscribe(consumer, subscription);
  rd_kafka_topic_partition_list_destroy(subscription);
  if (subscribed != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("cluster owner: subscribing to " + topic_ + ": " +
                             rd_kafka_err2str(subscribed));
  }
}

PartialsOwner::~PartialsOwner() { close(); }

void PartialsOwner::close() {
  if (closed_ || consumer_ == nullptr) return;
  closed_ = true;
  rd_kafka_consumer_close(consumer_.get());
}

PartialsOwner::Owned* PartialsOwner::stream_named(const std::string& name) {
  for (Owned& owned : streams_) {
    if (owned.spec.config->name == name) return &owned;
  }
  return nullptr;
}

bool PartialsOwner::step(std::chrono::milliseconds wait, const OnWindow& on_window) {
  if (failed_) return false;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  bool consumed = false;
  for (std::size_t n = 0; n < kBatch; ++n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    rd_kafka_message_t* message =
        rd_kafka_consumer_poll(consumer_.get(), n == 0 ? static_cast<int>(std::max<int64_t>(left.count(), 0)) : 0);
    if (message == nullptr) break;
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        client_log_.report(rd_kafka_message_errstr(message));
      }
      rd_kafka_message_destroy(message);
      continue;
    }
    consumed = true;
    consumed_[message->partition] = message->offset + 1;
    ++counters_.partials;
    try {
      const PanePartial partial = decode_pane_partial(
          std::span(static_cast<const std::byte*>(message->payload), message->len));
      if (Owned* owned = stream_named(partial.stream)) {
        const int64_t activity = activity_.count_delivery(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   clock_.steady().time_since_epoch())
                                   .count());
        if (owned->merge->add(partial, activity) != StreamMerge::Outcome::added) ++counters_.rejected;
      } else {
        ++counters_.unknown_streams;
      }
    } catch (const InputError& error) {
      ++counters_.malformed_partials;
      client_log_.report(std::string("a partial that does not decode: ") + error.what());
    }
    rd_kafka_message_destroy(message);
  }
  std::vector<std::vector<std::byte>> values;
  std::vector<std::string_view> keys;
  for (Owned& owned : streams_) {
    owned.merge->poll(activity_.now(), [&](const ClosedWindow& window) {
      const uint64_t late_now = owned.merge->totals().late_events;
      const WindowEvaluation evaluation = evaluate_window(
          *owned.spec.config, owned.spec.references, *owned.layout, window.counts, window.bounds);
      OwnedWindow closed{owned.spec.config, window.counts, window.bounds,
                         late_now - owned.late_reported, &evaluation, owned.alerts->apply(evaluation)};
      owned.late_reported = late_now;
      ++counters_.windows;
      if (on_window) on_window(closed);
      WindowResult result;
      result.stream = owned.spec.config->name;
      result.owner = owner_;
      result.reference_version = owned.spec.reference_version;
      result.layout_fingerprint = owned.layout->fingerprint();
      result.bounds = closed.bounds;
      result.late = closed.late;
      result.counts.assign(window.counts.begin(), window.counts.end());
      result.changes = std::move(closed.changes);
      values.push_back(encode_window_result(result));
      keys.push_back(owned.spec.config->name);
    });
  }
  std::vector<CutPublisher::Record> records;
  for (std::size_t r = 0; r < values.size(); ++r) records.push_back({keys[r], values[r]});
  if (!consumed) return true;
  kafka::PartitionList offsets(rd_kafka_topic_partition_list_new(static_cast<int>(consumed_.size())));
  for (const auto& [partition, next] : consumed_) {
    rd_kafka_topic_partition_list_add(offsets.get(), topic_.c_str(), partition)->offset = next;
  }
  const kafka::GroupMetadata group(rd_kafka_consumer_group_metadata(consumer_.get()));
  const CutPublisher::Result result =
      results_.publish(records, offsets.get(), group.get(), kTransactionTimeout);
  if (result.outcome != CutPublisher::Outcome::committed) {
    failed_ = "the results transaction did not commit (" + result.error +
              "); without the owner's checkpoint this owner cannot recover";
    return false;
  }
  ++counters_.transactions;
  return true;
}

}  // namespace driftd::cluster
