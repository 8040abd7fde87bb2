// The Kafka alert topic: every committed alert event, produced to
// kafka.alert_topic by an idempotent producer (enable.idempotence: no
// duplicates or reordering from the producer's own retries), keyed by
// "<stream>/<feature>" so one feature's transitions stay in order on one
// partition, with the alert event document of docs/api.md as the value and
// its id in the "driftd-event-id" header.
//
// Delivery is at least once: a thread reads the events after its cursor
// (publisher_cursors, 'kafka:<topic>', store/publisher_cursor.h) from SQLite, produces them, waits for
// the broker to acknowledge all of them, and only then advances the cursor.
// A failure or a crash re-produces from the cursor: consumers deduplicate by
// event id. A new topic starts with the events committed after it was
// configured.
//
// Thread safety: wake() and the counters from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "alerts/worker_thread.h"
#include "config/config.h"
#include "kafka/client_log.h"
#include "store/sqlite.h"
#include "store/write_queue.h"

struct rd_kafka_s;

namespace driftd::alerts {

class KafkaAlertPublisher {
 public:
  // Throws config::ConfigError for a property librdkafka refuses,
  // std::runtime_error when the producer cannot be created.
  // REQUIRES: kafka.alert_topic.
  // Events are read from `database` (read-only); the cursor is written by
  // the one SQLite writer, through `writer`.
  KafkaAlertPublisher(const config::KafkaConfig& kafka, const std::filesystem::path& database,
                      store::WriteQueue& writer);
  ~KafkaAlertPublisher() = default;  // finishes the batch in flight (bounded), then stops
  KafkaAlertPublisher(const KafkaAlertPublisher&) = delete;
  KafkaAlertPublisher& operator=(const KafkaAlertPublisher&) = delete;

  void wake() { worker_.wake(); }
  // Finishes the batch in flight (bounded), then stops; idempotent.
  void stop() { worker_.stop(); }
  uint64_t published() const { return published_.load(std::memory_order_relaxed); }
  uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  struct ProducerDeleter {
    void operator()(rd_kafka_s* producer) const;
  };

  // One batch; a failure is counted, logged and retried after a pause.
  WorkerThread::Outcome step();
  // Produces the events after the cursor; true when it published some.
  bool publish_batch();

  const std::string topic_;
  const std::string cursor_name_;
  store::Database reader_;  // the publisher thread's
  store::WriteQueue& writer_;
  // The producer's events, one line each; before producer_, whose threads
  // log until it is destroyed.
  kafka::ClientLog client_log_;
  std::unique_ptr<rd_kafka_s, ProducerDeleter> producer_;
  std::optional<int64_t> cursor_;  // publisher thread; read on its first step
  std::atomic<uint64_t> published_{0};
  std::atomic<uint64_t> failures_{0};
  std::atomic<uint64_t> delivery_errors_{0};  // from the delivery report callback

  WorkerThread worker_;  // last: joined before the producer and database go

  friend struct ProducerCallbacks;
};

}  // namespace driftd::alerts
