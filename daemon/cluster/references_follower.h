// ReferencesFollower: every instance's reader of cluster mode's references
// topic (one partition, compacted: each stream's captured reference, keyed
// by the stream). It reads read_committed from the beginning, so it sees
// exactly what committed owner transactions published, in their order:
// read_to_end() at start (every record up to the partition's last stable
// offset), then poll() for what comes since.
//
// Thread safety: one thread (the window manager's, after the start).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/config.h"
#include "kafka/client_log.h"
#include "kafka/rdkafka_owned.h"


namespace driftd::cluster {

struct KeyedRecord {
  std::string key;
  std::vector<std::byte> value;  // empty: a tombstone
};

class ReferencesFollower {
 public:
  // A consumer of `topic`'s partition 0 that joins no group and commits
  // nothing. Throws config::ConfigError for a property librdkafka refuses,
  // std::runtime_error when the consumer cannot be made.
  ReferencesFollower(const config::KafkaConfig& kafka, std::string topic, const Clock& clock);
  ~ReferencesFollower();
  ReferencesFollower(const ReferencesFollower&) = delete;
  ReferencesFollower& operator=(const ReferencesFollower&) = delete;

  // The records up to the partition's end. Throws std::runtime_error when
  // the end is not reached within `timeout`; the records read meanwhile
  // come with the next call. REQUIRES: no poll() before.
  std::vector<KeyedRecord> read_to_end(std::chrono::milliseconds timeout);
  // The records that came since, waiting up to `wait` for the first.
  std::vector<KeyedRecord> poll(std::chrono::milliseconds wait);

 private:
  // One message, if any within `wait`: appended to `out` when a record;
  // true at the partition's end.
  bool poll_one(std::chrono::milliseconds wait, std::vector<KeyedRecord>& out, bool& got);

  const std::string topic_;
  kafka::ClientLog client_log_;
  std::vector<KeyedRecord> read_before_;  // by a read_to_end() that threw
  kafka::Consumer consumer_;
};

}  // namespace driftd::cluster
