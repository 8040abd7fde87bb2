#include "kafka/kafka_metrics.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace driftd::kafka {
namespace {

using metrics::MetricFamily;
using metrics::MetricType;

constexpr MetricFamily kMessages{"driftd_kafka_messages_total", MetricType::counter,
                                 "Kafka messages consumed."};
constexpr MetricFamily kErrors{"driftd_kafka_errors_total", MetricType::counter,
                               "Kafka client and consumer errors."};
constexpr MetricFamily kRebalances{"driftd_kafka_rebalances_total", MetricType::counter,
                                   "Partition assignments and revocations."};
constexpr MetricFamily kOffsetCommits{
    "driftd_kafka_offset_commits_total", MetricType::counter,
    "Offset commits to Kafka (after the windows they cover were committed to SQLite)."};
constexpr MetricFamily kOffsetCommitFailures{"driftd_kafka_offset_commit_failures_total",
                                             MetricType::counter, "Failed offset commits."};
constexpr MetricFamily kConsumerLag{
    "driftd_kafka_consumer_lag", MetricType::gauge,
    "Messages behind the high watermark, summed over assigned partitions."};
constexpr MetricFamily kBrokersUp{"driftd_kafka_brokers_up", MetricType::gauge,
                                  "Kafka brokers the consumer is connected to."};
constexpr MetricFamily kPollSeconds{
    "driftd_kafka_poll_seconds_total", MetricType::counter,
    "Consumer thread time in librdkafka, fetching batches (idle waits included)."};
constexpr MetricFamily kProcessSeconds{"driftd_kafka_process_seconds_total", MetricType::counter,
                                       "Consumer thread time decoding and recording messages."};
constexpr MetricFamily kThreadMessages{
    "driftd_kafka_thread_messages_total", MetricType::counter,
    "Kafka messages consumed, by consumer thread (kafka.threads).", {"thread"}};
constexpr MetricFamily kThreadPartitions{
    "driftd_kafka_thread_partitions", MetricType::gauge,
    "Partitions assigned now, by consumer thread (kafka.threads).", {"thread"}};

constexpr std::array kFamilies{&kMessages,     &kErrors,          &kRebalances,
                               &kOffsetCommits, &kOffsetCommitFailures, &kConsumerLag,
                               &kBrokersUp,    &kPollSeconds,     &kProcessSeconds,
                               &kThreadMessages, &kThreadPartitions};

template <class Counter>
double load(const Counter& counter) {
  return static_cast<double>(counter.load(std::memory_order_relaxed));
}

}  // namespace

std::span<const metrics::MetricFamily* const> kafka_metric_families() { return kFamilies; }

void write_kafka_metrics(const KafkaSource& source, metrics::MetricsWriter& out) {
  const KafkaCounters& kafka = source.counters();
  out.sample(kMessages, {}, load(kafka.messages));
  out.sample(kErrors, {}, load(kafka.errors));
  out.sample(kRebalances, {}, load(kafka.rebalances));
  out.sample(kOffsetCommits, {}, load(kafka.offset_commits));
  out.sample(kOffsetCommitFailures, {}, load(kafka.offset_commit_failures));
  out.sample(kConsumerLag, {}, load(kafka.consumer_lag));
  out.sample(kBrokersUp, {}, load(kafka.brokers_up));
  out.sample(kPollSeconds, {}, load(kafka.poll_nanoseconds) / 1e9);
  out.sample(kProcessSeconds, {}, load(kafka.process_nanoseconds) / 1e9);
  const std::vector<ConsumerThreadStatus> threads = source.consumer_threads();
  for (std::size_t t = 0; t < threads.size(); ++t) {
    const std::string thread = std::to_string(t);
    out.sample(kThreadMessages, {thread}, static_cast<double>(threads[t].messages));
    out.sample(kThreadPartitions, {thread}, static_cast<double>(threads[t].partitions));
  }
}

}  // namespace driftd::kafka
