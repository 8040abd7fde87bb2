// Cluster mode's unit of exchange: what one driftd instance counted for one
// stream between two of its cuts, pane by pane, and the binary form it
// travels in (docs/histogram-format.md, "Pane partials (cluster mode)").
//
// Several instances consume one Kafka consumer group. At every cut (every
// cluster.commit_interval) an instance takes, per stream, the counts its
// partitions' events added to each pane since its previous cut, and
// produces them as ONE PanePartial to the internal partials topic (key: the
// stream's name), in the Kafka transaction that also commits the source
// offsets they cover. The stream's owner adds the partials' pane blocks
// into its pane totals (add_counts: every counter is additive, the
// fixed-point sums of moments too, as two's complement modulo 2^64) and
// computes the stream's watermark from the partitions' progress.
//
// A partial is valid when it keeps the bounds and orders below (the
// comments on the fields, the constants). encode_pane_partial() requires a
// valid partial; decode_pane_partial() returns only valid ones, and the
// encoding is canonical: bytes that decode re-encode to exactly themselves.
// Whether a partial may be merged (same stream, reference_version,
// layout_fingerprint and counters as the owner's panes) is the owner's
// check: this unit only carries them.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "window/pane.h"

namespace driftd::cluster {

// Bounds of a valid partial; decode_pane_partial() refuses anything beyond.
// kMaxPartialCounters: no configuration limit bounds a stream's counter
// layout (features per stream are not limited), so this is a round 2^24
// words (128 MiB per pane block). kMaxPartialCountWords bounds what a
// decoded partial holds, panes x counters (1 GiB of counts), whatever its
// byte size: the sparse encoding of an all-but-empty pane is a few bytes.
inline constexpr std::size_t kMaxPartialNameBytes = 255;
inline constexpr std::uint32_t kMaxPartialCounters = std::uint32_t{1} << 24;
inline constexpr std::size_t kMaxPartialPartitions = 100000;
inline constexpr std::size_t kMaxPartialPanes = 100000;
inline constexpr std::uint64_t kMaxPartialCountWords = std::uint64_t{1} << 27;

struct PartitionProgress {
  std::int32_t partition = 0;  // a partition of the stream's source topic, >= 0
  // The first offset NOT covered (the offset committed with this partial),
  // >= 0.
  std::int64_t next_offset = 0;
  // The latest event time read from the partition so far, in
  // [kMinTimestampMs, kMaxTimestampMs]; kMinTimestampMs when none yet.
  std::int64_t watermark_ms = kMinTimestampMs;
  // The partition still had messages to read at the cut: it holds the
  // stream's watermark back however long it has been quiet (the owner counts
  // idle time itself, on its activity clock: source_progress.h).
  bool behind = false;

  friend bool operator==(const PartitionProgress&, const PartitionProgress&) = default;
};

struct PaneDelta {
  // In [kMinTimestampMs, kMaxTimestampMs], the range of every pane of the
  // timestamps pane.h accepts.
  PaneId pane = 0;
  // Exactly PanePartial::counters words, not all zero, added to the pane's
  // totals (wrapping).
  std::vector<std::uint64_t> counts;

  friend bool operator==(const PaneDelta&, const PaneDelta&) = default;
};

struct PanePartial {
  std::string stream;    // 1..kMaxPartialNameBytes bytes
  std::string producer;  // the producing instance's id, 1..kMaxPartialNameBytes bytes
  std::uint64_t sequence = 0;            // the producer's cut number (diagnostics)
  std::int64_t reference_version = 0;    // the reference version the counts were binned with
  std::uint64_t layout_fingerprint = 0;  // CounterLayout::fingerprint() of the producer
  std::uint32_t counters = 1;            // words per pane block, 1..kMaxPartialCounters
  // Counted by the producer since its last cut, outside any pane.
  std::uint64_t events_seen = 0;
  std::uint64_t malformed = 0;
  std::uint64_t invalid_event_time = 0;
  // Every source partition the producer held at the cut, also those without
  // events (that is how quiet partitions report their progress): distinct, ascending, at
  // most kMaxPartialPartitions.
  std::vector<PartitionProgress> partitions;
  // Distinct, ascending panes, at most kMaxPartialPanes, and panes.size() x
  // counters <= kMaxPartialCountWords. A pane the cut added nothing to is
  // left out (a delta of all zeros is not valid).
  std::vector<PaneDelta> panes;

  friend bool operator==(const PanePartial&, const PanePartial&) = default;
};

// REQUIRES: `partial` is valid; throws std::invalid_argument naming the
// first violation otherwise.
std::vector<std::byte> encode_pane_partial(const PanePartial& partial);

// A record of the partials topic must stay below the producer's and the
// broker's message size limits (librdkafka's message.max.bytes and the
// broker's max.message.bytes, about 1 MB by default).
inline constexpr std::size_t kMaxPartialRecordBytes = 900'000;

// The records of one cut of one stream: encode_pane_partial(partial) when it
// has at most `max_record_bytes`, else one partial per pane, in pane order,
// the producer's tallies and the partitions' progress on the last one only
// (the owner applies a partition's progress once every pane before it is
// in, so nothing it covers can find its window closed). A single pane
// larger than the limit stays one record (the producer's limit then refuses
// it: the layout is too large for the topic's message size).
// REQUIRES: `partial` is valid.
std::vector<std::vector<std::byte>> encode_pane_partial_records(
    const PanePartial& partial, std::size_t max_record_bytes = kMaxPartialRecordBytes);

// Throws InputError naming the defect on anything but the canonical
// encoding of a valid partial (truncated, corrupt, foreign or non-canonical
// bytes) and never crashes. It allocates in proportion to the input's size,
// plus the dense counts of the panes it has read (kMaxPartialCountWords
// words at most): no length is trusted before it is checked.
PanePartial decode_pane_partial(std::span<const std::byte> bytes);

}  // namespace driftd::cluster
