// The Prometheus families of the Kafka source (metrics/metric_family.h):
// messages, errors, rebalances, offset commits, lag, brokers, the consumer
// threads' time in librdkafka and in decoding, and per consumer thread its
// messages and partitions.
//
// Thread safety: write_kafka_metrics reads the source's relaxed counters
// and consumer_threads(): any thread, while the source lives.
#pragma once

#include <span>

#include "kafka/kafka_source.h"
#include "metrics/metric_family.h"
#include "metrics/metrics_writer.h"

namespace driftd::kafka {

std::span<const metrics::MetricFamily* const> kafka_metric_families();
void write_kafka_metrics(const KafkaSource& source, metrics::MetricsWriter& out);

}  // namespace driftd::kafka
