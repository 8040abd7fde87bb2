// librdkafka objects owned by RAII (partition lists, consumers, group metadata, polled
// messages), and the
// one way a client's log and errors reach its ClientLog, for every driftd
// client that has no callbacks of its own to add.
//
// Thread safety: as librdkafka's objects; the callbacks run on librdkafka's
// threads and ClientLog is thread-safe.
#pragma once

#include <memory>

#include <librdkafka/rdkafka.h>

#include "kafka/client_log.h"

namespace driftd::kafka {

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

struct MessageDeleter {
  void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
};
// A message from rd_kafka_consumer_poll(), destroyed with its owner.
using Message = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

// A consumer, closed (leaving its group, if any) then destroyed.
struct ConsumerDeleter {
  void operator()(rd_kafka_t* consumer) const {
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
  }
};
using Consumer = std::unique_ptr<rd_kafka_t, ConsumerDeleter>;

struct GroupMetadataDeleter {
  void operator()(rd_kafka_consumer_group_metadata_t* metadata) const {
    rd_kafka_consumer_group_metadata_destroy(metadata);
  }
};
using GroupMetadata = std::unique_ptr<rd_kafka_consumer_group_metadata_t, GroupMetadataDeleter>;

// The client configured by `conf` reports its log lines and errors to
// `log`, which must outlive it (it becomes the client's opaque).
inline void log_to(rd_kafka_conf_t* conf, ClientLog& log) {
  rd_kafka_conf_set_opaque(conf, &log);
  rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int, const char* reason, void* opaque) {
    static_cast<ClientLog*>(opaque)->report(reason);
  });
  rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t* rk, int level, const char* facility,
                                    const char* text) {
    static_cast<ClientLog*>(rd_kafka_opaque(rk))->log(level, facility, text);
  });
}

}  // namespace driftd::kafka
