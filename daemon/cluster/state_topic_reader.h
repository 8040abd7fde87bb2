// StateTopicReader: reads one partition of cluster mode's compacted state
// topic from its beginning to its end, keeping each key's latest value, as
// a stream's new owner does before it resumes the stream's partials
// (partials_owner.h). It reads read_committed, so its end is the
// partition's last stable offset: what committed owner transactions wrote,
// never an open or aborted one's. A record with a null value deletes its
// key (compaction's tombstone).
//
// Thread safety: one thread (the owner's loop).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/config.h"
#include "kafka/client_log.h"
#include "kafka/rdkafka_owned.h"


namespace driftd::cluster {

class StateTopicReader {
 public:
  // A consumer of `topic` that assigns partitions itself (it joins no group
  // and commits nothing). Throws config::ConfigError for a property
  // librdkafka refuses.
  StateTopicReader(const config::KafkaConfig& kafka, std::string topic, const Clock& clock);
  ~StateTopicReader();
  StateTopicReader(const StateTopicReader&) = delete;
  StateTopicReader& operator=(const StateTopicReader&) = delete;

  // Every key of `partition` with its latest value. Throws
  // std::runtime_error when the end is not reached within `timeout`.
  std::map<std::string, std::vector<std::byte>> read(int32_t partition,
                                                      std::chrono::milliseconds timeout);

 private:
  const std::string topic_;
  kafka::ClientLog client_log_;
  kafka::Consumer consumer_;
};

}  // namespace driftd::cluster
