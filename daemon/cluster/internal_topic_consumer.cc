#include "cluster/internal_topic_consumer.h"

#include <stdexcept>
#include <string>

#include "kafka/consumer_config.h"

namespace driftd::cluster {

kafka::Consumer make_internal_topic_consumer(const config::KafkaConfig& kafka,
                                             kafka::ClientLog& log, const char* what,
                                             OutOfRange out_of_range) {
  kafka::ConfPtr conf = kafka::make_consumer_config(kafka, std::nullopt);
  kafka::set_conf(conf.get(), "isolation.level", "read_committed", "cluster");
  kafka::set_conf(conf.get(), "enable.partition.eof", "true", "cluster");
  kafka::set_conf(conf.get(), "auto.offset.reset",
                  out_of_range == OutOfRange::report ? "error" : "earliest", "cluster");
  kafka::log_to(conf.get(), log);
  char error[512];
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof error);
  if (consumer == nullptr) throw std::runtime_error(std::string(what) + ": " + error);
  conf.release();  // rd_kafka_new() took it
  return kafka::Consumer(consumer);
}

}  // namespace driftd::cluster
