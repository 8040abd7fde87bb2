// CutPublisher: an instance's transactional producer in cluster mode. One cut
// is one Kafka transaction: the cut's pane partials (a record per stream,
// keyed by the stream's name) and the source offsets they cover, committed to
// the instances' consumer group by send_offsets_to_transaction(). The broker
// makes both durable and visible (to read_committed readers, to the group)
// or neither; so an instance that dies between two cuts loses nothing and
// counts nothing twice: whoever gets its partitions re-reads what its open
// transaction (aborted by the broker, or fenced at the next start) covered.
//
// Outcomes of publish():
//   committed  both are durable.
//   aborted    this cut's transaction was aborted (a record refused, the
//              broker asked for an abort, the deadline passed before the
//              commit): none of it is visible and the group's offsets are as
//              before. The caller discards the cut's counts and rewinds its
//              partitions to the committed offsets. The next publish() may
//              succeed; an abort the broker could not be told of in time
//              (it is away) is finished first.
//   A commit that was sent is never reported aborted on a timeout: it may
//   still complete, so publish() waits for its outcome (at most the
//   broker's transaction.timeout.ms), even past `timeout`.
//   fenced     a fatal error, such as a newer producer with the same
//              transactional.id (the instance restarted elsewhere): this
//              producer can do nothing more; the caller stops its cluster
//              work and leaves the group.
//
// The owner publishes with it too: window results, its state records (in the
// state topic, Record::topic) and the partials offsets it consumed.
//
// Thread safety: one thread at a time (the window manager's, the owner's).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "config/config.h"
#include "kafka/client_log.h"

struct rd_kafka_s;
struct rd_kafka_error_s;
struct rd_kafka_topic_partition_list_s;
struct rd_kafka_consumer_group_metadata_s;

namespace driftd::cluster {

class CutPublisher {
 public:
  // To `topic` (empty: the publisher's), in `partition` (kAnyPartition:
  // the partitioner's choice by key). An empty value is a null one: the
  // key's tombstone on a compacted topic.
  static constexpr int32_t kAnyPartition = -1;  // RD_KAFKA_PARTITION_UA
  struct Record {
    std::string_view key;
    std::span<const std::byte> value;
    std::string_view topic = {};
    int32_t partition = kAnyPartition;
  };
  enum class Outcome { committed, aborted, fenced };
  struct Result {
    Outcome outcome = Outcome::committed;
    std::string error;  // librdkafka's reason, unless committed
  };

  // Makes the producer and initialises its transactions, waiting up to
  // `timeout`: this fences every older producer with `transactional_id` and
  // aborts the transaction it left open. Throws config::ConfigError for a
  // property librdkafka refuses, std::runtime_error when the transactions
  // cannot be initialised in time.
  CutPublisher(const config::KafkaConfig& kafka, std::string topic,
               const std::string& transactional_id, std::chrono::milliseconds timeout);
  ~CutPublisher();

  CutPublisher(const CutPublisher&) = delete;
  CutPublisher& operator=(const CutPublisher&) = delete;

  // One cut: `records` to the topic and `offsets` (the next offset of each
  // source partition the cut covers) for the group `group` describes (the
  // consumer's rd_kafka_consumer_group_metadata()), in one transaction,
  // within `timeout`. REQUIRES: the last publish() was not fenced.
  Result publish(std::span<const Record> records, const rd_kafka_topic_partition_list_s* offsets,
                 const rd_kafka_consumer_group_metadata_s* group, std::chrono::milliseconds timeout);

 private:
  // What an error of a transactional call means (and destroys it): `retry`
  // set when the call may be repeated before the deadline, else the cut's
  // outcome (the transaction aborted when that is needed).
  Result settle(rd_kafka_error_s* error, std::chrono::steady_clock::time_point deadline,
                bool& retry);
  Result abort(std::string reason, std::chrono::steady_clock::time_point deadline);

  struct ProducerDeleter {
    void operator()(rd_kafka_s* producer) const;
  };

  const std::string topic_;
  kafka::ClientLog client_log_;
  std::unique_ptr<rd_kafka_s, ProducerDeleter> producer_;
  bool fenced_ = false;
  // An abort that timed out (the broker away): finished before the next
  // transaction begins.
  bool abort_pending_ = false;
};

}  // namespace driftd::cluster
