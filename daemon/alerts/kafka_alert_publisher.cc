#include "alerts/kafka_alert_publisher.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <librdkafka/rdkafka.h>

#include "config/config_error.h"
#include "store/alert_event_reader.h"

namespace driftd::alerts {
namespace {

constexpr std::size_t kBatch = 500;
constexpr int kFlushTimeoutMs = 30'000;
constexpr std::chrono::milliseconds kIdleTick{200};
constexpr std::chrono::seconds kRetryPause{1};

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value,
         const std::string& path) {
  char error[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof error) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw config::ConfigError(path, error);
  }
}

}  // namespace

struct DeliveryReports {
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      static_cast<KafkaAlertPublisher*>(opaque)->delivery_errors_.fetch_add(
          1, std::memory_order_relaxed);
      std::fprintf(stderr, "driftd: kafka alert topic: %s\n", rd_kafka_err2str(message->err));
    }
  }
};

void KafkaAlertPublisher::ProducerDeleter::operator()(rd_kafka_s* producer) const {
  rd_kafka_destroy(producer);
}

KafkaAlertPublisher::KafkaAlertPublisher(const config::KafkaConfig& kafka,
                                         const std::filesystem::path& database)
    : topic_(kafka.alert_topic.value()),
      cursor_name_("kafka:" + topic_),
      db_(database, store::Database::Mode::kReadWrite),
      worker_(kIdleTick, kRetryPause) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [key, value] : kafka.properties) {
    // The shared properties (security, client.id, ...); consumer-only ones
    // are ignored by librdkafka for a producer.
    if (key == "auto.offset.reset" || key == "partition.assignment.strategy" ||
        key.rfind("enable.auto", 0) == 0 || key.rfind("queued.", 0) == 0 ||
        key.rfind("fetch.", 0) == 0 || key.rfind("session.", 0) == 0 ||
        key.rfind("heartbeat.", 0) == 0 || key.rfind("group.", 0) == 0 ||
        key == "max.poll.interval.ms" || key == "enable.partition.eof") {
      continue;
    }
    set(conf, key, value, config::append_key("kafka.properties", key));
  }
  set(conf, "bootstrap.servers", kafka.brokers, "kafka.brokers");
  set(conf, "enable.idempotence", "true", "kafka");
  set(conf, "linger.ms", "5", "kafka");
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_dr_msg_cb(conf, &DeliveryReports::on_delivery);
  char error[512];
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (producer == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("Kafka alert producer: ") + error);
  }
  producer_.reset(producer);

  // Where publishing stands; a new topic starts after the newest event.
  store::Statement read = db_.prepare(
      "SELECT delivered_through FROM publisher_cursors WHERE name = ?1");
  read.bind(1, std::string_view(cursor_name_));
  if (read.step()) {
    cursor_ = read.column_int(0);
  } else {
    cursor_ = store::last_alert_event_id(db_);
    db_.prepare("INSERT INTO publisher_cursors VALUES (?1, ?2, ?3)")
        .bind(1, std::string_view(cursor_name_))
        .bind(2, cursor_)
        .bind(3, wall_clock_ms())
        .run();
  }
  worker_.start([this] { return step(); });
}

WorkerThread::Outcome KafkaAlertPublisher::step() {
  try {
    return publish_batch() ? WorkerThread::Outcome::busy : WorkerThread::Outcome::idle;
  } catch (const std::exception& error) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr, "driftd: kafka alert topic %s: %s (retrying)\n", topic_.c_str(),
                 error.what());
    return WorkerThread::Outcome::failed;
  }
}

bool KafkaAlertPublisher::publish_batch() {
  const std::vector<store::AlertEvent> events = store::read_alert_events(db_, cursor_, kBatch);
  if (events.empty()) return false;
  delivery_errors_.store(0, std::memory_order_relaxed);
  for (const store::AlertEvent& event : events) {
    const std::string key = event.stream + "/" + event.feature;
    const std::string id = std::to_string(event.id);
    for (;;) {
      const rd_kafka_resp_err_t error = rd_kafka_producev(
          producer_.get(), RD_KAFKA_V_TOPIC(topic_.c_str()),
          RD_KAFKA_V_KEY(key.data(), key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(event.json.data()), event.json.size()),
          RD_KAFKA_V_HEADER("driftd-event-id", id.data(), static_cast<ssize_t>(id.size())),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (error == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        throw std::runtime_error(std::string("producing: ") + rd_kafka_err2str(error));
      }
      rd_kafka_poll(producer_.get(), 100);  // make room
    }
  }
  if (rd_kafka_flush(producer_.get(), kFlushTimeoutMs) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      delivery_errors_.load(std::memory_order_relaxed) != 0) {
    throw std::runtime_error("not every alert event was acknowledged; producing again from event " +
                             std::to_string(cursor_ + 1));
  }
  cursor_ = events.back().id;
  db_.prepare("UPDATE publisher_cursors SET delivered_through = ?2, updated_at = ?3 WHERE name = ?1")
      .bind(1, std::string_view(cursor_name_))
      .bind(2, cursor_)
      .bind(3, wall_clock_ms())
      .run();
  published_.fetch_add(events.size(), std::memory_order_relaxed);
  return true;
}

}  // namespace driftd::alerts
