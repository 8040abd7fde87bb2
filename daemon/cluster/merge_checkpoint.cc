#include "cluster/merge_checkpoint.h"

#include <algorithm>
#include <stdexcept>

#include "cluster/framed_format.h"
#include "cluster/sparse_counts.h"
#include "common/binary_codec.h"
#include "common/error.h"

namespace driftd::cluster {
namespace {

// The layout of docs/histogram-format.md, "Owner checkpoints (cluster mode)".
constexpr std::size_t kChecksumBytes = FramedFormat::kChecksumBytes;
// Everything up to the block count.
constexpr std::size_t kFixedBytes = 124;
// The smallest checkpoint: one block of zeros, no pieces, no entries.
constexpr std::size_t kMinBytes = kFixedBytes + 1 + 4 + 4 + kChecksumBytes;
constexpr FramedFormat kFormat{{'D', 'M', 'C', 'K'}, 1, kMinBytes, "merge checkpoint"};
// A piece's pane, then one run: its zeros, one literal and that literal.
constexpr std::size_t kMinPieceBytes = 8 + 1 + 1 + 1 + 1;
constexpr std::size_t kEntryBytes = 21;
constexpr std::uint8_t kBehindFlag = 1;

bool valid_time(std::int64_t ms) { return ms >= kMinTimestampMs && ms <= kMaxTimestampMs; }

bool all_zero(const std::vector<std::uint64_t>& counts) {
  return std::all_of(counts.begin(), counts.end(), [](std::uint64_t count) { return count == 0; });
}

// What the header's pane fields allow, for encoder and decoder alike.
std::string window_panes_problem(PaneId first_pane, PaneId first_open_pane) {
  if (!valid_time(first_pane) || !valid_time(first_open_pane)) {
    return "panes " + std::to_string(first_pane) + " and " + std::to_string(first_open_pane) +
           " lie outside the panes of the timestamps";
  }
  if (first_open_pane < first_pane || first_open_pane - first_pane >= kMaxPanesPerWindow) {
    return "first open pane " + std::to_string(first_open_pane) + " is not within " +
           std::to_string(kMaxPanesPerWindow - 1) + " panes after first pane " +
           std::to_string(first_pane);
  }
  return {};
}

// The same for the number of the assembler's blocks.
std::string blocks_problem(std::uint64_t blocks, std::int64_t closed, std::uint32_t counters) {
  if (blocks <= static_cast<std::uint64_t>(closed)) {
    return std::to_string(blocks) + " pane blocks for " + std::to_string(closed) +
           " closed panes: no open pane";
  }
  if (blocks > static_cast<std::uint64_t>(kMaxCheckpointPanes)) {
    return std::to_string(blocks) + " pane blocks, more than " +
           std::to_string(kMaxCheckpointPanes);
  }
  if (blocks > kMaxCheckpointCountWords / counters) {
    return std::to_string(blocks) + " pane blocks of " + std::to_string(counters) +
           " counters, more than " + std::to_string(kMaxCheckpointCountWords) + " counts";
  }
  return {};
}

std::string pieces_problem(std::uint64_t blocks, std::uint64_t pieces, std::uint32_t counters) {
  if (pieces > kMaxCheckpointCountWords / counters - blocks) {
    return std::to_string(blocks) + " pane blocks and " + std::to_string(pieces) +
           " waiting pieces of " + std::to_string(counters) + " counters, more than " +
           std::to_string(kMaxCheckpointCountWords) + " counts";
  }
  return {};
}

}  // namespace

std::string merge_checkpoint_problem(const MergeCheckpoint& checkpoint) {
  const std::uint32_t counters = checkpoint.counters;
  if (counters < 1 || counters > kMaxPartialCounters) {
    return "counters must be 1 to " + std::to_string(kMaxPartialCounters) + ", is " +
           std::to_string(counters);
  }
  if (checkpoint.next_partials_offset < 0) return "negative next partials offset";
  const WindowCheckpoint& windows = checkpoint.windows;
  if (windows.next_sequence != 0) {
    return "a next sequence number: count windows have no cluster mode";
  }
  if (std::string problem = window_panes_problem(windows.first_pane, windows.first_open_pane);
      !problem.empty()) {
    return problem;
  }
  if (windows.counts.size() % counters != 0) {
    return std::to_string(windows.counts.size()) + " counts, not a whole number of blocks of " +
           std::to_string(counters);
  }
  const std::uint64_t blocks = windows.counts.size() / counters;
  if (std::string problem =
          blocks_problem(blocks, windows.first_open_pane - windows.first_pane, counters);
      !problem.empty()) {
    return problem;
  }
  if (std::string problem = pieces_problem(blocks, checkpoint.waiting.size(), counters);
      !problem.empty()) {
    return problem;
  }
  for (std::size_t i = 0; i < checkpoint.waiting.size(); ++i) {
    const PanePiece& piece = checkpoint.waiting[i];
    const std::string which = "waiting pane " + std::to_string(piece.pane);
    if (!valid_time(piece.pane)) return which + ": outside the panes of the timestamps";
    if (i > 0 && piece.pane <= checkpoint.waiting[i - 1].pane) {
      return which + ": waiting panes are not distinct and ascending";
    }
    if (piece.deltas.size() != counters) {
      return which + ": " + std::to_string(piece.deltas.size()) + " deltas, not " +
             std::to_string(counters);
    }
    if (all_zero(piece.deltas)) return which + ": all zeros";
  }
  if (checkpoint.partition_count < 0 || checkpoint.partition_count > kMaxCheckpointPartitions) {
    return "partition count must be 0 to " + std::to_string(kMaxCheckpointPartitions) + ", is " +
           std::to_string(checkpoint.partition_count);
  }
  for (std::size_t i = 0; i < checkpoint.source.size(); ++i) {
    const SourceProgress::Entry& entry = checkpoint.source[i];
    const std::string which = "partition " + std::to_string(entry.partition);
    if (entry.partition < 0 || entry.partition >= checkpoint.partition_count) {
      return which + ": not one of the " + std::to_string(checkpoint.partition_count) +
             " partitions";
    }
    if (i > 0 && entry.partition <= checkpoint.source[i - 1].partition) {
      return which + ": partitions are not distinct and ascending";
    }
    if (entry.next_offset < 0) return which + ": negative next offset";
    if (!valid_time(entry.latest_ms)) return which + ": latest time outside the timestamps";
  }
  return {};
}

std::vector<std::byte> encode_merge_checkpoint(const MergeCheckpoint& checkpoint) {
  if (const std::string problem = merge_checkpoint_problem(checkpoint); !problem.empty()) {
    throw std::invalid_argument("invalid merge checkpoint: " + problem);
  }
  const std::uint32_t counters = checkpoint.counters;
  const WindowCheckpoint& windows = checkpoint.windows;
  const std::size_t blocks = windows.counts.size() / counters;
  std::vector<std::byte> out;
  out.reserve(kMinBytes + blocks + kMinPieceBytes * checkpoint.waiting.size() +
              kEntryBytes * checkpoint.source.size());
  kFormat.begin(out);
  append_le<std::int64_t>(out, checkpoint.reference_version);
  append_le<std::uint64_t>(out, checkpoint.layout_fingerprint);
  append_le<std::uint32_t>(out, counters);
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(checkpoint.partition_count));
  append_le<std::int64_t>(out, checkpoint.next_partials_offset);
  const MergeTotals& totals = checkpoint.totals;
  for (std::uint64_t total :
       {totals.partials, totals.rejected_reference, totals.rejected_layout, totals.stale_progress,
        totals.late_events, totals.events_seen, totals.malformed, totals.invalid_event_time}) {
    append_le<std::uint64_t>(out, total);
  }
  append_le<std::int64_t>(out, windows.first_pane);
  append_le<std::int64_t>(out, windows.first_open_pane);
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(blocks));
  for (std::size_t block = 0; block < blocks; ++block) {
    append_sparse_counts(out, std::span(windows.counts).subspan(block * counters, counters));
  }
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(checkpoint.waiting.size()));
  for (const PanePiece& piece : checkpoint.waiting) {
    append_le<std::int64_t>(out, piece.pane);
    append_sparse_counts(out, piece.deltas);
  }
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(checkpoint.source.size()));
  for (const SourceProgress::Entry& entry : checkpoint.source) {
    append_le<std::int32_t>(out, entry.partition);
    append_le<std::int64_t>(out, entry.next_offset);
    append_le<std::int64_t>(out, entry.latest_ms);
    append_le<std::uint8_t>(out, entry.behind ? kBehindFlag : 0);
  }
  kFormat.end(out);
  return out;
}

MergeCheckpoint decode_merge_checkpoint(std::span<const std::byte> bytes) {
  LittleEndianReader reader = kFormat.open(bytes);
  MergeCheckpoint out;
  out.reference_version = reader.get<std::int64_t>("reference version");
  out.layout_fingerprint = reader.get<std::uint64_t>("layout fingerprint");
  out.counters = reader.get<std::uint32_t>("counters");
  const std::uint32_t counters = out.counters;
  if (counters < 1 || counters > kMaxPartialCounters) {
    throw InputError("merge checkpoint counters must be 1 to " +
                     std::to_string(kMaxPartialCounters) + ", got " + std::to_string(counters));
  }
  const auto partition_count = reader.get<std::uint32_t>("partition count");
  if (partition_count > static_cast<std::uint32_t>(kMaxCheckpointPartitions)) {
    throw InputError("merge checkpoint has " + std::to_string(partition_count) +
                     " partitions, more than " + std::to_string(kMaxCheckpointPartitions));
  }
  out.partition_count = static_cast<std::int32_t>(partition_count);
  out.next_partials_offset = reader.get<std::int64_t>("next partials offset");
  if (out.next_partials_offset < 0) {
    throw InputError("merge checkpoint has a negative next partials offset");
  }
  MergeTotals& totals = out.totals;
  for (std::uint64_t* total :
       {&totals.partials, &totals.rejected_reference, &totals.rejected_layout,
        &totals.stale_progress, &totals.late_events, &totals.events_seen, &totals.malformed,
        &totals.invalid_event_time}) {
    *total = reader.get<std::uint64_t>("totals");
  }

  WindowCheckpoint& windows = out.windows;
  windows.first_pane = reader.get<std::int64_t>("first pane");
  windows.first_open_pane = reader.get<std::int64_t>("first open pane");
  if (const std::string problem = window_panes_problem(windows.first_pane, windows.first_open_pane);
      !problem.empty()) {
    throw InputError("merge checkpoint " + problem);
  }
  const auto blocks = reader.get<std::uint32_t>("pane block count");
  if (const std::string problem =
          blocks_problem(blocks, windows.first_open_pane - windows.first_pane, counters);
      !problem.empty()) {
    throw InputError("merge checkpoint has " + problem);
  }
  if (blocks > reader.remaining()) {  // a block of zeros is one byte
    throw InputError("merge checkpoint is truncated at pane blocks");
  }
  windows.counts.assign(std::size_t{blocks} * counters, 0);
  for (std::size_t block = 0; block < blocks; ++block) {
    read_sparse_counts(reader, std::span(windows.counts).subspan(block * counters, counters),
                       "pane " + std::to_string(windows.first_pane +
                                                static_cast<std::int64_t>(block)),
                       ZeroBlock::allowed);
  }

  const auto pieces = reader.get<std::uint32_t>("waiting piece count");
  if (const std::string problem = pieces_problem(blocks, pieces, counters); !problem.empty()) {
    throw InputError("merge checkpoint has " + problem);
  }
  if (pieces > reader.remaining() / kMinPieceBytes) {
    throw InputError("merge checkpoint is truncated at waiting pieces");
  }
  out.waiting.reserve(pieces);
  for (std::uint32_t i = 0; i < pieces; ++i) {
    PanePiece piece;
    piece.pane = reader.get<std::int64_t>("waiting pane");
    const std::string which = "waiting pane " + std::to_string(piece.pane);
    if (!valid_time(piece.pane)) {
      throw InputError("merge checkpoint " + which + " lies outside the panes of the timestamps");
    }
    if (i > 0 && piece.pane <= out.waiting.back().pane) {
      throw InputError("merge checkpoint " + which + " follows waiting pane " +
                       std::to_string(out.waiting.back().pane) +
                       ": waiting panes must be distinct and ascending");
    }
    piece.deltas.assign(counters, 0);
    read_sparse_counts(reader, piece.deltas, which, ZeroBlock::refused);
    out.waiting.push_back(std::move(piece));
  }

  const auto entries = reader.get<std::uint32_t>("partition entry count");
  if (entries > partition_count) {
    throw InputError("merge checkpoint has " + std::to_string(entries) +
                     " partition entries for " + std::to_string(partition_count) + " partitions");
  }
  if (entries > reader.remaining() / kEntryBytes) {
    throw InputError("merge checkpoint is truncated at partition entries");
  }
  out.source.reserve(entries);
  for (std::uint32_t i = 0; i < entries; ++i) {
    SourceProgress::Entry entry;
    entry.partition = reader.get<std::int32_t>("partition");
    const std::string which = "merge checkpoint partition " + std::to_string(entry.partition);
    if (entry.partition < 0 || entry.partition >= out.partition_count) {
      throw InputError(which + " is not one of its " + std::to_string(partition_count) +
                       " partitions");
    }
    if (i > 0 && entry.partition <= out.source.back().partition) {
      throw InputError(which + " follows partition " +
                       std::to_string(out.source.back().partition) +
                       ": partitions must be distinct and ascending");
    }
    entry.next_offset = reader.get<std::int64_t>("next offset");
    if (entry.next_offset < 0) throw InputError(which + " has a negative next offset");
    entry.latest_ms = reader.get<std::int64_t>("latest time");
    if (!valid_time(entry.latest_ms)) {
      throw InputError(which + " has a latest time outside the timestamps driftd accepts");
    }
    const auto flags = reader.get<std::uint8_t>("partition flags");
    if ((flags & ~kBehindFlag) != 0) throw InputError(which + " has unknown flags");
    entry.behind = (flags & kBehindFlag) != 0;
    out.source.push_back(entry);
  }
  if (reader.remaining() != 0) throw InputError("merge checkpoint has trailing bytes");
  return out;
}

}  // namespace driftd::cluster
