// SourceProgress: a stream owner's view of the stream's source partitions in
// cluster mode, made of the partition progress every pane partial carries
// (pane_partial.h), and how far the stream's watermark may rise.
//
// The rule is the single-instance one (kafka/partition_times.h), applied to
// EVERY partition of the source topic whichever instance reads it: a
// partition holds time back at its latest event time while it has messages
// to read (its holder said so at its last cut) or is not idle yet; a
// partition no partial has named yet holds time at its beginning, so no
// window closes before every partition has been heard from. Idle time is
// counted on the owner's activity clock (activity_clock.h), which runs while
// partials bring events: an instance whose partitions are all quiet cannot
// make them idle by itself, as in one instance.
//
// Only a holder can say a partition is idle: every cut of an instance names
// every partition it holds, so a partition no partial has named for
// report_timeout of activity time (its holder died, or it is between two
// holders in a rebalance) holds time at its latest event time, like one
// with messages to read, until a holder names it again (from then on it
// holds for a whole idle_timeout, as after a restore). Otherwise the
// events its next holder reads would find their windows closed by the
// others' progress (late), which one instance, reading every partition
// itself, never sees.
//
// Processing time: a partition's time is its holder's clock at its last
// cut (the holder bins every event it reads afterwards at a later time), so
// it advances with every cut, events or not, and EVERY partition holds time
// at it: a window closes once every partition's holder has cut past its
// end, never by idleness (a holder's clock ahead of the others' would
// otherwise close windows the others still record into). A dead holder's
// partitions hold until their next holder names them.
//
// An entry whose next offset is below the one known for its partition is
// stale (a partial cut before a rebalance that another holder's partial
// already passed; the broker's transactions make this rare) and ignored:
// progress never goes back.
//
// Thread safety: one thread, the owner's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "cluster/pane_partial.h"
#include "kafka/partition_times.h"
#include "window/window_spec.h"

namespace driftd::cluster {

class SourceProgress {
 public:
  // What the owner's checkpoint keeps of a partition it has heard from.
  struct Entry {
    int32_t partition = 0;
    int64_t next_offset = 0;
    int64_t latest_ms = 0;  // kMinTimestampMs: no event time yet
    bool behind = false;

    friend bool operator==(const Entry&, const Entry&) = default;
  };

  // domain: the stream's windows' (see above); idle_timeout_ms >= 0: the
  // stream's event_time.idle_timeout (event time); report_timeout_ms > 0:
  // how long (activity time) a partition may go unnamed before it holds
  // time (a few of the instances' commit_interval).
  SourceProgress(TimeDomain domain, int64_t idle_timeout_ms, int64_t report_timeout_ms);

  // The source topic has `count` partitions (the owner's metadata); only
  // grows. Partitions not heard from yet hold time at its beginning.
  void set_partition_count(int32_t count);
  int32_t partition_count() const { return static_cast<int32_t>(owned_.size()); }

  // Applies one partial's progress at activity time `activity`. A partition
  // beyond partition_count() grows it. Returns the entries ignored as stale.
  std::size_t apply(std::span<const PartitionProgress> entries, int64_t activity);

  // How far the stream's watermark may rise at activity time `activity`:
  // the latest event time of every partition, capped by the smallest
  // latest time of those that hold; nullopt while some partition holds time
  // at its beginning (never heard from, or no event time yet).
  std::optional<int64_t> frontier(int64_t activity);

  // The partitions heard from, ascending, for the owner's checkpoint.
  std::vector<Entry> entries() const;
  // Loads a checkpoint's entries at activity time `activity` (each partition
  // then holds for a whole idle_timeout, as after a restart). REQUIRES: a
  // fresh SourceProgress.
  void restore(std::span<const Entry> entries, int64_t activity);

 private:
  struct Partition {
    bool heard = false;
    int64_t next_offset = 0;
    bool behind = false;
    int64_t named_at = 0;  // activity time of the last partial naming it
  };
  void heard_from(int32_t partition, int64_t activity);

  const bool holders_clocks_;  // processing time: every partition holds
  const int64_t report_timeout_ms_;
  kafka::PartitionTimes times_;
  std::vector<int32_t> owned_;        // 0 .. partition_count() - 1
  std::vector<Partition> partitions_;  // by partition number
};

}  // namespace driftd::cluster
