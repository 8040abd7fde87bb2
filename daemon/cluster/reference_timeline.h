// ReferenceTimeline: a stream's references over time in cluster mode, as
// the references topic holds them (docs/architecture.md, "Cluster mode",
// reference switches): its first reference (a file's, which every instance
// reads itself, or the one its owner captured: the record under the
// stream's name) and the switches imported or promoted since (the records
// under reference_switch_key(stream, from_ms)), each in effect from its
// time on. An event of time t belongs to the last entry whose from_ms <= t;
// its window to the entry its end is after (a switch's windows start at
// it, stream_merge.h).
//
// Promises: entries() ascending by from_ms, the first one's from_ms
// kMinTimestampMs; a switch added at the time of one already there replaces
// it (a newer record under the same key), as set_first() replaces the first.
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/reference_record.h"
#include "window/pane.h"

namespace driftd::cluster {

// The references topic's key of a switch of `stream` from `from_ms`.
// REQUIRES: from_ms >= 0.
std::string reference_switch_key(std::string_view stream, int64_t from_ms);
struct SwitchKey {
  std::string stream;
  int64_t from_ms = 0;
};
// The switch `key` names; nullopt for any other key (a stream's first).
std::optional<SwitchKey> parse_reference_switch_key(std::string_view key);

class ReferenceTimeline {
 public:
  struct Entry {
    int64_t from_ms = 0;
    ReferenceRecord record;
  };

  void set_first(ReferenceRecord record);
  // REQUIRES: from_ms >= 0.
  void add_switch(int64_t from_ms, ReferenceRecord record);

  bool has_first() const { return !entries_.empty() && entries_.front().from_ms == kFirst; }
  std::span<const Entry> entries() const { return entries_; }
  // The entry of reference version `version`; null when none has it.
  const Entry* of_version(int64_t version) const;
  // The entry after the one of `version` (the switch that ends it); null
  // when none follows or none has `version`.
  const Entry* after_version(int64_t version) const;
  // The entry before the one of `version` (the references it switched
  // from); null when none precedes or none has `version`.
  const Entry* before_version(int64_t version) const;

 private:
  static constexpr int64_t kFirst = kMinTimestampMs;
  std::vector<Entry> entries_;
};

}  // namespace driftd::cluster
