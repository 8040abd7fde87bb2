#include "kafka/kafka_source.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include <librdkafka/rdkafka.h>

#include "common/clock.h"
#include "common/thread_name.h"
#include "kafka/broker_stats.h"
#include "kafka/client_log.h"
#include "kafka/client_message.h"
#include "kafka/consumer_config.h"
#include "kafka/rdkafka_owned.h"
#include "kafka/rebalance_protocol.h"

namespace driftd::kafka {
namespace {

constexpr int kPollTimeoutMs = 50;
// How often the consumer thread lets each event-time stream's watermark rise
// to where its partitions allow without a batch (PartitionTimes::frontier).
constexpr int64_t kFrontierIntervalMs = 100;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             Clock::system().steady().time_since_epoch())
      .count();
}

uint64_t nanoseconds_since(std::chrono::steady_clock::time_point start) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now() - start)
                                   .count());
}


// The topics of `streams`, each once, in the order of the streams.
std::vector<std::string> subscribed_topics(const std::vector<StreamRuntime*>& streams) {
  std::vector<std::string> topics;
  for (const StreamRuntime* stream : streams) {
    const std::string& topic = stream->config().source.topic;
    if (std::find(topics.begin(), topics.end(), topic) == topics.end()) topics.push_back(topic);
  }
  return topics;
}

// How the consumer configured by `conf` joins its group, for the log.
std::string membership(const rd_kafka_conf_t* conf) {
  char id[512];
  std::size_t size = sizeof id;
  if (rd_kafka_conf_get(conf, "group.instance.id", id, &size) != RD_KAFKA_CONF_OK ||
      id[0] == '\0') {
    return "dynamic membership (no group.instance.id)";
  }
  return std::string("static membership as group.instance.id '") + id + "'";
}

}  // namespace

struct KafkaSource::Handle {
  ~Handle() {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
  rd_kafka_t* rk = nullptr;
  bool closed = false;
};

// librdkafka's C callbacks, forwarding to the source given as opaque.
struct Callbacks {
  static KafkaSource& self(void* opaque) { return *static_cast<KafkaSource*>(opaque); }
  static void rebalance(rd_kafka_t*, rd_kafka_resp_err_t error,
                        rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    self(opaque).on_rebalance(error, partitions);
  }
  static void error(rd_kafka_t*, int error, const char* reason, void* opaque) {
    self(opaque).on_error(error, reason);
  }
  static int stats(rd_kafka_t*, char* json, size_t length, void* opaque) {
    self(opaque).on_stats(json, length);
    return 0;  // librdkafka frees json
  }
  static void offset_commit(rd_kafka_t*, rd_kafka_resp_err_t error,
                            rd_kafka_topic_partition_list_t*, void* opaque) {
    self(opaque).on_offset_commit(error);
  }
  static void log(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
    self(rd_kafka_opaque(rk)).client_log_.log(level, facility, text);
  }
};

KafkaSource::KafkaSource(const config::KafkaConfig& kafka, std::vector<StreamRuntime*> streams,
                         std::size_t first_writer,
                         const std::optional<std::string>& group_instance_id,
                         ClusterCuts* cluster)
    : config_(kafka),
      cluster_(cluster),
      streams_(std::move(streams)),
      topic_names_(subscribed_topics(streams_)),
      health_(topic_names_, Clock::system()),
      client_log_("", topic_names_, Clock::system(), [this](std::string_view event) {
        if (const auto topic = missing_topic(event, topic_names_)) health_.topic_missing(*topic);
      }) {
  for (std::size_t s = 0; s < streams_.size(); ++s) {
    const std::string& topic = streams_[s]->config().source.topic;
    auto found = std::find_if(topics_.begin(), topics_.end(),
                              [&](const Topic& t) { return t.name == topic; });
    if (found == topics_.end()) found = topics_.insert(topics_.end(), Topic{topic, {}, {}, {}});
    found->streams.push_back(s);
    positions_.emplace_back(topic);
    const auto& event_time = streams_[s]->config().event_time;
    times_.emplace_back(event_time ? event_time->idle_timeout.count() : 0);
    frontiers_.push_back(std::numeric_limits<int64_t>::min());
  }
  for (std::size_t c = 0; c < std::max<std::size_t>(1, config_.threads); ++c) {
    auto& consumer = *consumers_.emplace_back(std::make_unique<Consumer>());
    consumer.index = c;
    consumer.writer = first_writer + c;
    consumer.documents.resize(streams_.size());
    for (auto& documents : consumer.documents) documents.reserve(config_.poll_batch);
  }
  durable_.resize(streams_.size());

  // Throws ConfigError for a bad property.
  ConfPtr conf = make_consumer_config(kafka, group_instance_id);
  std::fprintf(stderr, "driftd: kafka: group '%s', %s\n", kafka.group_id.c_str(),
               membership(conf.get()).c_str());
  rd_kafka_conf_set_opaque(conf.get(), this);
  rd_kafka_conf_set_log_cb(conf.get(), &Callbacks::log);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Callbacks::rebalance);
  rd_kafka_conf_set_error_cb(conf.get(), &Callbacks::error);
  rd_kafka_conf_set_stats_cb(conf.get(), &Callbacks::stats);
  rd_kafka_conf_set_offset_commit_cb(conf.get(), &Callbacks::offset_commit);
  char error[512];
  handle_ = std::make_unique<Handle>();
  handle_->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof error);
  if (handle_->rk == nullptr) throw std::runtime_error(std::string("Kafka consumer: ") + error);
  conf.release();  // owned by the handle from now on
  rd_kafka_poll_set_consumer(handle_->rk);
}

KafkaSource::~KafkaSource() {
  stop();
  close();
  handle_.reset();  // librdkafka's threads log through client_log_: end them while members live
}

void KafkaSource::restore(const StreamRuntime& stream, std::span<const SourcePosition> stored) {
  const std::size_t index = stream_index(stream);
  if (index < streams_.size()) positions_[index].restore(stored);
}

void KafkaSource::start() {
  PartitionList topics(rd_kafka_topic_partition_list_new(static_cast<int>(topics_.size())));
  for (const Topic& topic : topics_) {
    rd_kafka_topic_partition_list_add(topics.get(), topic.name.c_str(), RD_KAFKA_PARTITION_UA);
  }
  if (const rd_kafka_resp_err_t error = rd_kafka_subscribe(handle_->rk, topics.get())) {
    throw std::runtime_error(std::string("Kafka subscribe: ") + rd_kafka_err2str(error));
  }
  health_.subscribed();
  for (std::size_t c = 1; c < consumers_.size(); ++c) {
    consumers_[c]->queue = rd_kafka_queue_new(handle_->rk);
  }
  activity_.start(steady_ms());
  gate_.start(consumers_.size());
  for (const auto& consumer : consumers_) {
    consumer->thread = std::thread([this, &consumer = *consumer] { run(consumer); });
  }
}

void KafkaSource::stop() {
  stopping_.store(true, std::memory_order_relaxed);
  for (const auto& consumer : consumers_) {
    if (consumer->thread.joinable()) consumer->thread.join();
  }
}

void KafkaSource::close() {
  if (handle_ == nullptr || handle_->closed) return;
  handle_->closed = true;
  commit_durable_offsets(true);
  // The application's queue references go before closing (rdkafka.h); the
  // partitions forwarded to them keep them alive as long as they need.
  for (const auto& consumer : consumers_) {
    if (consumer->queue != nullptr) rd_kafka_queue_destroy(std::exchange(consumer->queue, nullptr));
  }
  // Leaves the group (revoking through on_rebalance, on this thread).
  if (const rd_kafka_resp_err_t error = rd_kafka_consumer_close(handle_->rk)) {
    std::fprintf(stderr, "driftd: kafka: closing the consumer: %s\n", rd_kafka_err2str(error));
  }
}

KafkaSource::Pause KafkaSource::pause() {
  gate_.pause();
  return Pause(this);
}

std::optional<std::vector<SourcePosition>> KafkaSource::positions(
    const StreamRuntime& stream) const {
  const std::size_t index = stream_index(stream);
  if (index == streams_.size()) return std::nullopt;
  return positions_[index].snapshot();
}

void KafkaSource::durable(const StreamRuntime& stream, std::vector<SourcePosition> positions) {
  const std::size_t index = stream_index(stream);
  if (index == streams_.size()) return;
  {
    std::lock_guard lock(durable_mutex_);
    durable_[index] = std::move(positions);
  }
  durable_changed_.store(true, std::memory_order_release);
}

std::size_t KafkaSource::stream_index(const StreamRuntime& stream) const {
  for (std::size_t s = 0; s < streams_.size(); ++s) {
    if (streams_[s] == &stream) return s;
  }
  return streams_.size();
}

// ---- The consumer thread ------------------------------------------------------

void KafkaSource::run(Consumer& consumer) {
  name_this_thread("kafka-reader-" + std::to_string(consumer.index));
  std::vector<rd_kafka_message_t*> messages;
  messages.reserve(config_.poll_batch);
  const bool serves_callbacks = consumer.index == 0;
  int64_t last_frontier_tick = steady_ms();
  // Thread 0 polls the consumer queue (its partitions and the callbacks),
  // the others their own queues.
  const auto poll = [&](int timeout_ms) {
    return serves_callbacks ? rd_kafka_consumer_poll(handle_->rk, timeout_ms)
                            : rd_kafka_consume_queue(consumer.queue, timeout_ms);
  };
  while (!stopping_.load(std::memory_order_relaxed)) {
    gate_.at_boundary();
    if (serves_callbacks) {
      commit_durable_offsets(false);
      if (const int64_t tick = steady_ms(); tick - last_frontier_tick >= kFrontierIntervalMs) {
        last_frontier_tick = tick;
        raise_frontiers();
      }
    }
    const auto polling = std::chrono::steady_clock::now();
    if (rd_kafka_message_t* first = poll(kPollTimeoutMs)) {
      messages.push_back(first);
      while (messages.size() < config_.poll_batch) {
        rd_kafka_message_t* next = poll(0);
        if (next == nullptr) break;
        messages.push_back(next);
      }
    }
    counters_.poll_nanoseconds.fetch_add(nanoseconds_since(polling), std::memory_order_relaxed);
    if (messages.empty()) continue;
    const auto processing = std::chrono::steady_clock::now();
    process_batch(consumer, messages);
    for (rd_kafka_message_t* message : messages) rd_kafka_message_destroy(message);
    messages.clear();
    counters_.process_nanoseconds.fetch_add(nanoseconds_since(processing),
                                            std::memory_order_relaxed);
  }
  gate_.finish();
}

std::vector<std::size_t> KafkaSource::partitions_by_consumer() const {
  std::vector<std::size_t> out(consumers_.size(), 0);
  for (const Topic& topic : topics_) {
    for (const std::size_t reader : topic.readers) ++out[reader];
  }
  return out;
}

std::size_t KafkaSource::route(const Topic& topic, int32_t partition) {
  const std::vector<std::size_t> load = partitions_by_consumer();
  const auto reader = static_cast<std::size_t>(
      std::min_element(load.begin(), load.end()) - load.begin());
  if (consumers_.size() > 1) {
    // Every partition explicitly: a partition's queue once forwarded stays
    // forwarded, even to thread 0's consumer queue after a reassignment.
    rd_kafka_queue_t* from =
        rd_kafka_queue_get_partition(handle_->rk, topic.name.c_str(), partition);
    if (from == nullptr) return reader;  // not a partition librdkafka knows: no messages
    rd_kafka_queue_t* to =
        reader == 0 ? rd_kafka_queue_get_consumer(handle_->rk) : consumers_[reader]->queue;
    rd_kafka_queue_forward(from, to);
    if (reader == 0) rd_kafka_queue_destroy(to);
    rd_kafka_queue_destroy(from);
  }
  return reader;
}

KafkaSource::Topic* KafkaSource::find_topic(const char* name) {
  for (Topic& topic : topics_) {
    if (std::strcmp(topic.name.c_str(), name) == 0) return &topic;
  }
  return nullptr;
}

// Messages come in runs of one partition (librdkafka hands out each fetched
// partition batch in order); each run is recorded as one batch per stream,
// so that event-time alignment (PartitionTimes) knows the partition.
void KafkaSource::process_batch(Consumer& consumer,
                                std::vector<rd_kafka_message_t*>& messages) {
  const int64_t now = Clock::system().wall_ms();
  const int64_t activity = activity_.count_delivery(steady_ms());
  uint64_t delivered = 0;
  const Topic* run_topic = nullptr;
  int32_t run_partition = -1;
  for (const rd_kafka_message_t* message : messages) {
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      counters_.errors.fetch_add(1, std::memory_order_relaxed);
      const char* topic = message->rkt != nullptr ? rd_kafka_topic_name(message->rkt) : "";
      client_log_.report(std::string(topic) + (*topic != '\0' ? ": " : "") +
             rd_kafka_message_errstr(message));
      continue;
    }
    const Topic* topic = find_topic(rd_kafka_topic_name(message->rkt));
    if (topic == nullptr || message->partition < 0 || message->offset < 0) continue;
    if (topic != run_topic || message->partition != run_partition) {
      if (run_topic != nullptr) record_run(consumer, *run_topic, run_partition, now, activity);
      run_topic = topic;
      run_partition = message->partition;
    }
    ++delivered;
    rd_kafka_timestamp_type_t type;
    const int64_t timestamp = rd_kafka_message_timestamp(message, &type);
    const SourceDocument document{
        {static_cast<const char*>(message->payload), message->len},
        type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || timestamp < 0
            ? std::numeric_limits<int64_t>::min()
            : timestamp};
    for (const std::size_t s : topic->streams) {
      if (positions_[s].take(message->partition, message->offset)) {
        consumer.documents[s].push_back(document);
      }
    }
  }
  if (run_topic != nullptr) record_run(consumer, *run_topic, run_partition, now, activity);
  counters_.messages.fetch_add(delivered, std::memory_order_relaxed);
  consumer.messages.fetch_add(delivered, std::memory_order_relaxed);
  if (delivered > 0) all_brokers_down_.store(false, std::memory_order_relaxed);
}

void KafkaSource::record_run(Consumer& consumer, const Topic& topic, int32_t partition,
                             int64_t now_ms, int64_t activity) {
  for (const std::size_t s : topic.streams) {
    std::vector<SourceDocument>& documents = consumer.documents[s];
    if (documents.empty()) continue;
    StreamRuntime& stream = *streams_[s];
    const std::optional<int64_t> limit =
        stream.config().event_time
            ? times_[s].limit_for(partition, topic.assigned, activity,
                                  [&](int32_t other) { return behind(s, other); })
            : std::nullopt;
    try {
      const IngestResult result =
          stream.ingest_documents(consumer.writer, documents, now_ms, limit);
      times_[s].advance(partition, result.latest_event_time, activity);
    } catch (const std::exception& error) {
      // Not bad input (that is counted, never thrown): a bug. Say it loudly.
      std::fprintf(stderr, "driftd: kafka: stream '%s': %zu message(s) not recorded: %s\n",
                   stream.config().name.c_str(), documents.size(), error.what());
    }
    documents.clear();
  }
}

void KafkaSource::raise_frontiers() {
  const int64_t now = Clock::system().wall_ms();
  const int64_t activity = activity_.now();
  for (const Topic& topic : topics_) {
    for (const std::size_t s : topic.streams) {
      if (!streams_[s]->config().event_time) continue;
      const std::optional<int64_t> frontier = times_[s].frontier(
          topic.assigned, activity, [&](int32_t partition) { return behind(s, partition); });
      if (!frontier || *frontier <= frontiers_[s]) continue;
      frontiers_[s] = *frontier;
      try {
        streams_[s]->observe_event_time(consumers_.front()->writer, *frontier, now);
      } catch (const std::exception& error) {
        std::fprintf(stderr, "driftd: kafka: stream '%s': raising the watermark: %s\n",
                     streams_[s]->config().name.c_str(), error.what());
      }
    }
  }
}

bool KafkaSource::behind(std::size_t stream, int32_t partition) const {
  int64_t low = 0;
  int64_t high = 0;
  // Cached from the latest fetch responses: no request to the broker.
  if (rd_kafka_get_watermark_offsets(handle_->rk, positions_[stream].topic().c_str(), partition,
                                     &low, &high) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      high < 0) {
    return true;  // not fetched yet: assume it has messages
  }
  const std::optional<int64_t> next = positions_[stream].next_offset(partition);
  return next ? *next < high : low < high;
}

std::vector<PartitionState> KafkaSource::partition_states(const StreamRuntime& stream) const {
  std::vector<PartitionState> out;
  const std::size_t s = stream_index(stream);
  if (s == streams_.size()) return out;
  for (const Topic& topic : topics_) {
    if (topic.name != positions_[s].topic()) continue;
    for (const int32_t partition : topic.assigned) {
      out.push_back({partition, positions_[s].next_offset(partition), times_[s].latest_of(partition),
                     behind(s, partition)});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const PartitionState& a, const PartitionState& b) { return a.partition < b.partition; });
  return out;
}

rd_kafka_consumer_group_metadata_t* KafkaSource::group_metadata() const {
  return rd_kafka_consumer_group_metadata(handle_->rk);
}

void KafkaSource::rewind(const StreamRuntime& stream, std::span<const RewindPoint> points) {
  const std::size_t s = stream_index(stream);
  if (s == streams_.size()) return;
  const std::string& topic = positions_[s].topic();
  const Topic* owned = nullptr;
  for (const Topic& candidate : topics_) {
    if (candidate.name == topic) owned = &candidate;
  }
  if (owned == nullptr) return;
  PartitionList seeks(rd_kafka_topic_partition_list_new(0));
  PartitionList committed(rd_kafka_topic_partition_list_new(0));
  for (const RewindPoint& point : points) {
    if (std::find(owned->assigned.begin(), owned->assigned.end(), point.partition) ==
        owned->assigned.end()) {
      continue;
    }
    rd_kafka_topic_partition_list_add(point.next_offset ? seeks.get() : committed.get(),
                                      topic.c_str(), point.partition)
        ->offset = point.next_offset.value_or(RD_KAFKA_OFFSET_INVALID);
  }
  if (committed->cnt > 0) {
    // The group's committed offsets: a broker round trip, on this rare path.
    if (const rd_kafka_resp_err_t error = rd_kafka_committed(handle_->rk, committed.get(), 10'000)) {
      client_log_.report(std::string("rewind: reading committed offsets: ") + rd_kafka_err2str(error));
    }
    for (int i = 0; i < committed->cnt; ++i) {
      const rd_kafka_topic_partition_t& entry = committed->elems[i];
      // No committed offset yet: the start of the partition (auto.offset.reset
      // is earliest unless the user changed it).
      rd_kafka_topic_partition_list_add(seeks.get(), topic.c_str(), entry.partition)->offset =
          entry.offset >= 0 ? entry.offset : RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  for (const RewindPoint& point : points) {
    const rd_kafka_topic_partition_t* seek =
        rd_kafka_topic_partition_list_find(seeks.get(), topic.c_str(), point.partition);
    if (seek == nullptr) continue;
    positions_[s].rewind(point.partition,
                         seek->offset >= 0 ? std::optional<int64_t>(seek->offset) : std::nullopt);
    times_[s].rewind(point.partition, point.latest_ms);
  }
  if (seeks->cnt == 0) return;
  if (rd_kafka_error_t* failure = rd_kafka_seek_partitions(handle_->rk, seeks.get(), 10'000)) {
    client_log_.report(std::string("rewind: ") + rd_kafka_error_string(failure));
    rd_kafka_error_destroy(failure);
  }
}

std::vector<std::optional<int64_t>> KafkaSource::group_starts(
    const rd_kafka_topic_partition_list_t* partitions) {
  std::vector<std::optional<int64_t>> starts(static_cast<std::size_t>(partitions->cnt));
  PartitionList committed(rd_kafka_topic_partition_list_copy(partitions));
  // Broker round trips, once per assignment, on thread 0 in the rebalance.
  // The group's coordinator may be moving ("not coordinator" right after a
  // broker outage): asked again for up to 30 s. Assigned without a start,
  // a partition waits for librdkafka's own lookup, which may not come
  // back, and in cluster mode a partition no cut names holds the stream's
  // time: no window would close.
  for (int attempt = 0;; ++attempt) {
    rd_kafka_resp_err_t error = rd_kafka_committed(handle_->rk, committed.get(), 10'000);
    // A partition's own error (an open transaction's offsets not settled
    // yet, UNSTABLE_OFFSET_COMMIT) leaves its offset unknown, not absent:
    // read as "never committed", it would start at the partition's
    // beginning and count every event again.
    for (int i = 0; error == RD_KAFKA_RESP_ERR_NO_ERROR && i < committed->cnt; ++i) {
      error = committed->elems[i].err;
    }
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    // Stopping, or the consumer is closing (ERR__DESTROY): an assignment
    // that came during the close is dropped at once and no answer will
    // come; asking again would hold the drain for 30 s.
    if (error == RD_KAFKA_RESP_ERR__DESTROY || stopping_.load(std::memory_order_relaxed)) {
      return starts;
    }
    client_log_.report(std::string("reading the group's committed offsets: ") +
                       rd_kafka_err2str(error) + (attempt < 60 ? " (asking again)" : ""));
    if (attempt >= 60) return starts;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  for (int i = 0; i < committed->cnt; ++i) {
    const rd_kafka_topic_partition_t& entry = committed->elems[i];
    if (entry.offset >= 0) {
      starts[static_cast<std::size_t>(i)] = entry.offset;
      continue;
    }
    // Never committed: the partition's start (a new group reads the topic
    // from its beginning in cluster mode).
    int64_t low = 0;
    int64_t high = 0;
    if (rd_kafka_query_watermark_offsets(handle_->rk, entry.topic, entry.partition, &low, &high,
                                         10'000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      starts[static_cast<std::size_t>(i)] = low;
    }
  }
  return starts;
}

std::optional<int64_t> KafkaSource::start_offset(const Topic& topic, int32_t partition) const {
  std::optional<int64_t> start;
  for (const std::size_t s : topic.streams) {
    if (const auto next = positions_[s].next_offset(partition)) {
      start = start ? std::min(*start, *next) : *next;
    }
  }
  return start;
}

void KafkaSource::commit_durable_offsets(bool wait) {
  if (!durable_changed_.exchange(false, std::memory_order_acquire) && !wait) return;
  std::vector<std::vector<SourcePosition>> durable;
  {
    std::lock_guard lock(durable_mutex_);
    durable = durable_;
  }
  PartitionList offsets(rd_kafka_topic_partition_list_new(0));
  for (const Topic& topic : topics_) {
    for (const int32_t partition : topic.assigned) {
      std::optional<int64_t> lowest;
      for (const std::size_t s : topic.streams) {
        for (const SourcePosition& position : durable[s]) {
          if (position.partition == partition) {
            lowest = lowest ? std::min(*lowest, position.next_offset) : position.next_offset;
          }
        }
      }
      if (lowest) {
        rd_kafka_topic_partition_list_add(offsets.get(), topic.name.c_str(), partition)->offset =
            *lowest;
      }
    }
  }
  if (offsets->cnt == 0) return;
  const rd_kafka_resp_err_t error = rd_kafka_commit(handle_->rk, offsets.get(), wait ? 0 : 1);
  if (wait && error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "driftd: kafka: committing offsets: %s\n", rd_kafka_err2str(error));
  }
}

// ---- Callbacks ------------------------------------------------------------------

void KafkaSource::on_rebalance(int error, rd_kafka_topic_partition_list_t* partitions) {
  // Applied with the other consumer threads parked between batches: the
  // partition lists, the tables and the routes are the caller's meanwhile,
  // and no thread is amid a batch of a partition being revoked (its
  // messages still queued are dropped by librdkafka once it is unassigned).
  gate_.pause_from_consumer();
  struct Resume {
    BatchBoundaryGate& gate;
    ~Resume() { gate.resume(); }
  } resume{gate_};
  apply_rebalance(error, partitions);
  const std::vector<std::size_t> load = partitions_by_consumer();
  for (std::size_t c = 0; c < consumers_.size(); ++c) {
    consumers_[c]->partitions.store(load[c], std::memory_order_relaxed);
  }
}

void KafkaSource::apply_rebalance(int error, rd_kafka_topic_partition_list_t* partitions) {
  counters_.rebalances.fetch_add(1, std::memory_order_relaxed);
  rd_kafka_t* rk = handle_->rk;
  const bool cooperative = cooperative_rebalance(rk);
  const auto check = [this](rd_kafka_error_t* failure) {
    if (failure == nullptr) return;
    client_log_.report(std::string("rebalance: ") + rd_kafka_error_string(failure));
    rd_kafka_error_destroy(failure);
  };
  const auto owned = [this] {  // the topics with a partition assigned to this member
    std::vector<std::string> names;
    for (const Topic& topic : topics_) {
      if (!topic.assigned.empty()) names.push_back(topic.name);
    }
    return names;
  };
  if (error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    std::vector<std::optional<int64_t>> cluster_starts(static_cast<std::size_t>(partitions->cnt));
    if (cluster_ != nullptr) cluster_starts = group_starts(partitions);
    for (int i = 0; i < partitions->cnt; ++i) {
      rd_kafka_topic_partition_t& partition = partitions->elems[i];
      Topic* topic = find_topic(partition.topic);
      if (topic == nullptr) continue;
      // The positions in SQLite decide where reading starts; in cluster mode
      // the group's committed offsets (the last cut of whoever held it).
      const std::optional<int64_t> cluster_start = cluster_starts[static_cast<std::size_t>(i)];
      partition.offset = cluster_ != nullptr
                             ? cluster_start.value_or(RD_KAFKA_OFFSET_INVALID)
                             : start_offset(*topic, partition.partition).value_or(RD_KAFKA_OFFSET_INVALID);
      const int64_t activity = activity_.now();
      for (const std::size_t s : topic->streams) {
        positions_[s].reserve(partition.partition);
        if (cluster_ != nullptr) positions_[s].rewind(partition.partition, cluster_start);
        times_[s].assigned(partition.partition, activity);
      }
      topic->readers.push_back(route(*topic, partition.partition));
      topic->assigned.push_back(partition.partition);
    }
    std::fprintf(stderr, "driftd: kafka: %d partition(s) assigned\n", partitions->cnt);
    client_log_.reached();  // the group coordinator answered
    health_.assigned(owned());
    if (cooperative) {
      check(rd_kafka_incremental_assign(rk, partitions));
    } else if (const rd_kafka_resp_err_t failure = rd_kafka_assign(rk, partitions)) {
      client_log_.report(std::string("assign: ") + rd_kafka_err2str(failure));
    }
    return;
  }
  if (error == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    const bool lost = rd_kafka_assignment_lost(rk);
    if (cluster_ != nullptr) {
      // Cluster mode: a cut commits what was read before another member
      // reads on; a lost assignment's events are the new holders' now.
      if (lost) {
        cluster_->discard_since_cut();
      } else {
        cluster_->cut_before_revoke();
      }
    } else if (!lost) {
      // What is durable in SQLite goes to Kafka before another member reads on.
      durable_changed_.store(true, std::memory_order_relaxed);
      commit_durable_offsets(false);
    }
    for (int i = 0; i < partitions->cnt; ++i) {
      Topic* topic = find_topic(partitions->elems[i].topic);
      if (topic == nullptr) continue;
      const auto revoked = std::find(topic->assigned.begin(), topic->assigned.end(),
                                     partitions->elems[i].partition);
      if (revoked == topic->assigned.end()) continue;
      const auto at = revoked - topic->assigned.begin();
      topic->assigned.erase(revoked);
      topic->readers.erase(topic->readers.begin() + at);
    }
    std::fprintf(stderr, "driftd: kafka: %d partition(s) revoked\n", partitions->cnt);
    if (cooperative) {
      health_.assigned(owned());
      check(rd_kafka_incremental_unassign(rk, partitions));
    } else {
      health_.unassigned();  // eager rebalancing takes every partition away first
      rd_kafka_assign(rk, nullptr);
    }
    return;
  }
  client_log_.report(std::string("rebalance failed: ") + rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(error)));
  for (Topic& topic : topics_) {
    topic.assigned.clear();
    topic.readers.clear();
  }
  health_.unassigned();
  rd_kafka_assign(rk, nullptr);
}

void KafkaSource::on_error(int error, const char* reason) {
  counters_.errors.fetch_add(1, std::memory_order_relaxed);
  if (error == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    all_brokers_down_.store(true, std::memory_order_relaxed);
  }
  if (error == RD_KAFKA_RESP_ERR__FATAL) {
    char why[512];
    rd_kafka_fatal_error(handle_->rk, why, sizeof why);
    std::lock_guard lock(problem_mutex_);
    fatal_ = std::string("fatal Kafka client error: ") + why;
  }
  client_log_.report(reason);
}

void KafkaSource::on_stats(const char* json, std::size_t length) {
  const auto stats = parse_broker_stats({json, length});
  if (!stats) return;
  counters_.brokers_up.store(stats->brokers_up, std::memory_order_relaxed);
  counters_.consumer_lag.store(stats->consumer_lag, std::memory_order_relaxed);
  if (stats->brokers_up > 0) {
    all_brokers_down_.store(false, std::memory_order_relaxed);
    client_log_.reached();
  }
  health_.statistics(counters_.messages.load(std::memory_order_relaxed), stats->unread);
}

void KafkaSource::on_offset_commit(int error) {
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
    counters_.offset_commits.fetch_add(1, std::memory_order_relaxed);
  } else if (error != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    counters_.offset_commit_failures.fetch_add(1, std::memory_order_relaxed);
    client_log_.report(std::string("offset commit: ") +
           rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(error)));
  }
}

std::vector<ConsumerThreadStatus> KafkaSource::consumer_threads() const {
  std::vector<ConsumerThreadStatus> out;
  for (const auto& consumer : consumers_) {
    out.push_back({consumer->messages.load(std::memory_order_relaxed),
                   consumer->partitions.load(std::memory_order_relaxed)});
  }
  return out;
}

std::optional<std::string> KafkaSource::problem() const {
  {
    std::lock_guard lock(problem_mutex_);
    if (fatal_) return fatal_;
  }
  if (all_brokers_down_.load(std::memory_order_relaxed)) {
    return "no Kafka broker reachable (" + config_.brokers + ")";
  }
  return health_.problem();
}

}  // namespace driftd::kafka
