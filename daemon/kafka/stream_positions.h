// How far one stream has consumed each partition of its Kafka topic, and
// which messages it must not count again.
//
// A stream's position in a partition is the offset of the next message it
// has not yet counted. Positions come back from SQLite at start (restore);
// a message below the position was counted before the restart (the consumer
// may re-deliver it when several streams share a topic and the partition
// was sought to the smallest of their positions) and is skipped. Gaps above
// it are normal (compacted topics, transaction markers).
//
// Thread safety: take() from the consumer thread that consumes the
// partition; next_offset() from any consumer thread (a partition another
// thread consumes reads some position it had: a hint). restore() and
// reserve() while no consumer thread runs (before start, or in a rebalance
// with all of them parked); the window manager reads snapshot() only while
// they are paused or stopped (the positions are then exact).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kafka/partition_cells.h"
#include "pipeline/source_position.h"

namespace driftd::kafka {

class StreamPositions {
 public:
  explicit StreamPositions(std::string topic);

  const std::string& topic() const { return topic_; }

  // Installs stored positions (those of other topics are ignored: the
  // stream's topic changed in the configuration).
  void restore(std::span<const SourcePosition> stored);

  // The stored or reached position in `partition`, if any.
  std::optional<int64_t> next_offset(int32_t partition) const;

  // Makes room for `partition` (assigned now). REQUIRES: partition >= 0.
  void reserve(int32_t partition) { next_.ensure(partition); }

  // True when the stream should count the message at `offset` (and moves
  // its position past it); false when it was counted before.
  // REQUIRES: `partition` reserved (or restored), offset >= 0.
  bool take(int32_t partition, int64_t offset) {
    if (offset < next_.load(partition)) return false;
    next_.store(partition, offset + 1);
    return true;
  }

  // Sets the position in `partition` back to `next` (nullopt: unknown, so
  // every message counts): cluster mode, reading again after an aborted
  // cut. REQUIRES: `partition` reserved; no consumer thread runs meanwhile.
  void rewind(int32_t partition, std::optional<int64_t> next) {
    next_.store(partition, next.value_or(kUnknown));
  }

  // Every partition with a position, in partition order.
  std::vector<SourcePosition> snapshot() const;

 private:
  static constexpr int64_t kUnknown = -1;

  std::string topic_;
  PartitionCells next_{kUnknown};  // by partition; kUnknown when never read
};

}  // namespace driftd::kafka
