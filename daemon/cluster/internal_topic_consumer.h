// The consumer with which cluster mode reads its internal topics back (the
// state topic's reader, the references follower, the results materializer):
// it joins no group and commits nothing (its user assigns partitions and
// keeps positions itself), reads read_committed, so up to a partition's last
// stable offset (what committed transactions wrote, never an open or aborted
// one's), signals each partition's end (RD_KAFKA_RESP_ERR__PARTITION_EOF),
// and reports its log lines and errors to `log`, which must outlive it.
// A position the topic no longer holds (retention deleted it) is read from
// the partition's first offset or, with OutOfRange::report, reported as a
// message with RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET, after which the
// partition is not read until assigned again; whatever kafka.properties
// says of auto.offset.reset.
//
// Thread safety: a librdkafka consumer: one thread polls it.
#pragma once

#include "config/config.h"
#include "kafka/client_log.h"
#include "kafka/rdkafka_owned.h"

namespace driftd::cluster {

enum class OutOfRange { read_from_first, report };

// Throws config::ConfigError for a property librdkafka refuses,
// std::runtime_error naming `what` when the consumer cannot be made.
kafka::Consumer make_internal_topic_consumer(
    const config::KafkaConfig& kafka, kafka::ClientLog& log, const char* what,
    OutOfRange out_of_range = OutOfRange::read_from_first);

}  // namespace driftd::cluster
