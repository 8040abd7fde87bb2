#include "alerts/kafka_alert_publisher.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <librdkafka/rdkafka.h>

#include "common/clock.h"
#include "kafka/producer_config.h"
#include "store/alert_event_reader.h"
#include "store/publisher_cursor.h"

namespace driftd::alerts {
namespace {

constexpr std::size_t kBatch = 500;
constexpr int kFlushTimeoutMs = 30'000;
constexpr std::chrono::milliseconds kIdleTick{200};
constexpr std::chrono::seconds kRetryPause{1};

}  // namespace

// librdkafka's C callbacks, forwarding to the publisher given as opaque.
struct ProducerCallbacks {
  static KafkaAlertPublisher& self(void* opaque) {
    return *static_cast<KafkaAlertPublisher*>(opaque);
  }
  static void delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    KafkaAlertPublisher& publisher = self(opaque);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      publisher.client_log_.reached();
      return;
    }
    publisher.delivery_errors_.fetch_add(1, std::memory_order_relaxed);
    publisher.client_log_.report(rd_kafka_err2str(message->err));
  }
  static void error(rd_kafka_t*, int, const char* reason, void* opaque) {
    self(opaque).client_log_.report(reason);
  }
  static void log(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
    self(rd_kafka_opaque(rk)).client_log_.log(level, facility, text);
  }
};

void KafkaAlertPublisher::ProducerDeleter::operator()(rd_kafka_s* producer) const {
  rd_kafka_destroy(producer);
}

KafkaAlertPublisher::KafkaAlertPublisher(const config::KafkaConfig& kafka,
                                         const std::filesystem::path& database,
                                         store::WriteQueue& writer)
    : topic_(kafka.alert_topic.value()),
      cursor_name_("kafka:" + topic_),
      reader_(database, store::Database::Mode::kReadOnly),
      writer_(writer),
      client_log_("alert topic " + topic_ + ": ", {topic_}, Clock::system()),
      worker_(kIdleTick, kRetryPause) {
  kafka::ConfPtr owned = kafka::make_producer_config(kafka);
  rd_kafka_conf_t* conf = owned.get();
  kafka::set_conf(conf, "linger.ms", "5", "kafka");
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_dr_msg_cb(conf, &ProducerCallbacks::delivery);
  rd_kafka_conf_set_error_cb(conf, &ProducerCallbacks::error);
  rd_kafka_conf_set_log_cb(conf, &ProducerCallbacks::log);
  char error[512];
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (producer == nullptr) {
    throw std::runtime_error(std::string("Kafka alert producer: ") + error);
  }
  owned.release();  // rd_kafka_new() took the configuration
  producer_.reset(producer);

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
  if (!cursor_) {
    // Where publishing stands; a new topic starts after the newest event.
    cursor_ = writer_.run([&](store::Database& db) {
      return store::open_publisher_cursor(db, cursor_name_, Clock::system().wall_ms());
    });
  }
  const std::vector<store::AlertEvent> events =
      store::read_alert_events(reader_, *cursor_, kBatch);
  if (events.empty()) return false;
  delivery_errors_.store(0, std::memory_order_relaxed);
  for (const store::AlertEvent& event : events) {
    if (!event.delivered_here) continue;  // another cluster instance's to publish
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
                             std::to_string(*cursor_ + 1));
  }
  writer_.run([&](store::Database& db) {
    store::advance_publisher_cursor(db, cursor_name_, events.back().id, Clock::system().wall_ms());
  });
  cursor_ = events.back().id;
  published_.fetch_add(events.size(), std::memory_order_relaxed);
  return true;
}

}  // namespace driftd::alerts
