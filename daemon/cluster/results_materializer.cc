#include "cluster/results_materializer.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <span>
#include <stdexcept>
#include <utility>

#include <librdkafka/rdkafka.h>

#include "cluster/internal_topic_consumer.h"
#include "cluster/stored_references.h"
#include "cluster/window_result.h"
#include "common/error.h"
#include "kafka/rdkafka_owned.h"
#include "pipeline/stream_layout.h"
#include "pipeline/window_evaluator.h"

namespace driftd::cluster {
namespace {

// Why `result` does not fit the stream's reference version, layout and
// configuration as this instance has them; empty if it does.
std::string misfit(const WindowResult& result, int64_t reference_version,
                   const CounterLayout& layout, const config::StreamConfig& config) {
  if (result.reference_version != reference_version) {
    return "reference version " + std::to_string(result.reference_version) + ", this instance's " +
           std::to_string(reference_version);
  }
  if (result.layout_fingerprint != layout.fingerprint() || result.counts.size() != layout.size()) {
    return "another counter layout";
  }
  const std::size_t subjects = config::subject_count(config);
  for (const AlertChange& change : result.changes) {
    if (change.subject >= subjects || change.rule >= config.alerts.size()) {
      return "an alert change of subject " + std::to_string(change.subject) + ", rule " +
             std::to_string(change.rule) + ", which the stream does not have";
    }
  }
  return {};
}

}  // namespace

ResultsMaterializer::ResultsMaterializer(const config::KafkaConfig& kafka,
                                         const config::ClusterConfig& cluster,
                                         const std::vector<ClusterStream>& streams,
                                         store::DriftStore& store, std::string instance_id,
                                         const Clock& clock)
    : topic_(cluster.results_topic),
      store_(store),
      instance_id_(std::move(instance_id)),
      clock_(clock),
      client_log_("results topic " + topic_ + ": ", {topic_}, clock) {
  for (const ClusterStream& stream : streams) {
    streams_.push_back(Stream{&stream, nullptr, 0, nullptr, {}});
    if (stream.config->reference.type != config::ReferenceType::capture) {
      set_references(streams_.size() - 1, std::make_shared<const StreamReferences>(stream.references),
                     stream.reference_version);
    }
  }
  consumer_ = make_internal_topic_consumer(kafka, client_log_, "results materializer",
                                          OutOfRange::report);
  rewind();
}

ResultsMaterializer::~ResultsMaterializer() = default;

ResultsMaterializer::Stream* ResultsMaterializer::stream_named(const std::string& name) {
  for (Stream& stream : streams_) {
    if (stream.spec->config->name == name) return &stream;
  }
  return nullptr;
}

void ResultsMaterializer::rewind() {
  const std::map<int32_t, int64_t> positions = store_.load_result_positions(topic_);
  const auto found = positions.find(kResultsPartition);
  next_offset_ = found != positions.end() ? found->second : 0;
  assign();
}

void ResultsMaterializer::assign() {
  const kafka::PartitionList assignment(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(assignment.get(), topic_.c_str(), kResultsPartition)->offset =
      next_offset_ > 0 ? next_offset_ : RD_KAFKA_OFFSET_BEGINNING;
  if (const rd_kafka_resp_err_t failed = rd_kafka_assign(consumer_.get(), assignment.get())) {
    throw std::runtime_error("results topic " + topic_ + ": assigning: " + rd_kafka_err2str(failed));
  }
}

void ResultsMaterializer::skip_deleted() {
  int64_t first = 0;
  int64_t end = 0;
  if (const rd_kafka_resp_err_t failed = rd_kafka_query_watermark_offsets(
          consumer_.get(), topic_.c_str(), kResultsPartition, &first, &end, 10'000)) {
    // Asked again at the next poll, when the consumer reports it again.
    client_log_.report(std::string("offset ") + std::to_string(next_offset_) +
                       " is gone and the topic's first offset is unknown (" +
                       rd_kafka_err2str(failed) + ")");
    assign();
    return;
  }
  if (first > next_offset_) {
    client_log_.report("results at offsets " + std::to_string(next_offset_) + " to " +
                       std::to_string(first - 1) +
                       " were deleted (the topic's retention) before this instance stored them: "
                       "its history lacks their windows; reading on from offset " +
                       std::to_string(first));
    counters_.missed_offsets += static_cast<uint64_t>(first - next_offset_);
    // The position moves past them durably: a restart does not count them again.
    store::ResultOrigin origin;
    origin.topic = topic_;
    origin.partition = kResultsPartition;
    origin.offset = first - 1;
    origin.at = clock_.wall_ms();
    store_.commit_result(nullptr, nullptr, nullptr, origin);
    next_offset_ = first;
  } else if (next_offset_ > end) {
    // Beyond the end: the topic was deleted and made again. Its offsets
    // number other results (and their event ids would collide with the
    // stored ones): nothing is read until an operator decides.
    client_log_.report("stored position " + std::to_string(next_offset_) +
                       " is beyond the topic's end " + std::to_string(end) +
                       " (was the topic made again?): not reading it");
  }
  assign();
}

void ResultsMaterializer::set_references(std::size_t stream,
                                         std::shared_ptr<const StreamReferences> references,
                                         int64_t version) {
  Stream& target = streams_[stream];
  target.layout = std::make_unique<CounterLayout>(counter_layout(*target.spec->config, *references));
  target.references = std::move(references);
  target.reference_version = version;
}

void ResultsMaterializer::add_references(std::size_t stream, int64_t version,
                                         std::shared_ptr<const StreamReferences> references) {
  streams_[stream].known.insert_or_assign(version, std::move(references));
}

void ResultsMaterializer::switch_to(Stream& stream, int64_t version) {
  const config::StreamConfig& config = *stream.spec->config;
  StreamReferences references = stored_references(store_, config, *stream.known.at(version),
                                                  version, "switch (cluster)");
  std::fprintf(stderr, "driftd: stream '%s': its results switch to reference version %lld\n",
               config.name.c_str(), static_cast<long long>(version));
  set_references(static_cast<std::size_t>(&stream - streams_.data()),
                 std::make_shared<const StreamReferences>(std::move(references)), version);
}

Materialized ResultsMaterializer::poll(std::chrono::milliseconds wait, std::size_t limit) {
  Materialized out;
  for (std::size_t n = 0; n < limit; ++n) {
    kafka::Message owned = std::move(waiting_);
    if (!owned) {
      rd_kafka_message_t* message =
          rd_kafka_consumer_poll(consumer_.get(), n == 0 ? static_cast<int>(wait.count()) : 0);
      if (message == nullptr) break;
      owned.reset(message);
    }
    const rd_kafka_message_t& message = *owned;
    if (message.err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
      try {
        skip_deleted();
      } catch (...) {
        rewind();
        throw;
      }
      continue;
    }
    if (message.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (message.err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        client_log_.report(rd_kafka_message_errstr(&message));
      }
      continue;
    }
    if (message.partition != kResultsPartition || message.offset < next_offset_) continue;
    bool committed = false;
    try {
      committed = commit(message, out);
    } catch (...) {
      rewind();
      throw;
    }
    if (!committed) {
      waiting_ = std::move(owned);
      break;
    }
    next_offset_ = message.offset + 1;
  }
  return out;
}

bool ResultsMaterializer::commit(const rd_kafka_message_t& message, Materialized& out) {
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  const int64_t timestamp_ms = rd_kafka_message_timestamp(&message, &type);
  const int64_t offset = message.offset;
  store::ResultOrigin origin;
  origin.topic = topic_;
  origin.partition = kResultsPartition;
  origin.offset = offset;
  origin.at = std::max<int64_t>(timestamp_ms, 0);
  origin.first_event_id = alert_event_id(offset, 0);
  WindowResult result;
  try {
    result = decode_window_result(
        std::span(static_cast<const std::byte*>(message.payload), message.len));
  } catch (const InputError& error) {
    ++counters_.malformed;
    ++counters_.skipped;
    client_log_.report("result at offset " + std::to_string(offset) +
                       " does not decode, skipped: " + error.what());
    store_.commit_result(nullptr, nullptr, nullptr, origin);
    return true;
  }
  Stream* stream = stream_named(result.stream);
  if (stream != nullptr && result.reference_version != stream->reference_version &&
      stream->known.contains(result.reference_version)) {
    switch_to(*stream, result.reference_version);
  }
  if (stream != nullptr && stream->references == nullptr) return false;  // its reference comes
  std::string problem =
      stream == nullptr
          ? ""
          : misfit(result, stream->reference_version, *stream->layout, *stream->spec->config);
  if (stream == nullptr || !problem.empty()) {
    ++(stream == nullptr ? counters_.unknown_streams : counters_.not_fitting);
    ++counters_.skipped;
    if (stream != nullptr) {
      client_log_.report("result of stream " + result.stream + " at offset " +
                         std::to_string(offset) + " does not fit this instance (" + problem +
                         "), skipped");
    }
    store_.commit_result(nullptr, nullptr, nullptr, origin);
    return true;
  }
  const config::StreamConfig& config = *stream->spec->config;
  store::WindowCommit window{
      evaluate_window(config, *stream->references, *stream->layout, result.counts, result.bounds),
      result.late, std::move(result.changes)};
  origin.delivered_here = result.owner == instance_id_;
  std::vector<store::AlertEvent> events =
      store_.commit_result(&config, stream->references.get(), &window, origin);
  ++counters_.results;
  std::move(events.begin(), events.end(), std::back_inserter(out.events));
  out.windows.push_back({static_cast<std::size_t>(stream - streams_.data()),
                         std::move(window.window), std::move(window.changes)});
  return true;
}

}  // namespace driftd::cluster
