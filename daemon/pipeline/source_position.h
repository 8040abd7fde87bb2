// How far a stream has consumed one Kafka partition: the offset of the next
// message to read. Stored in SQLite (source_positions) in the same
// transaction as the windows and checkpoint it covers, which makes it the
// truth a restart resumes from.
#pragma once

#include <cstdint>
#include <string>

namespace driftd {

struct SourcePosition {
  std::string topic;
  int32_t partition = 0;
  int64_t next_offset = 0;

  friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

}  // namespace driftd
