// The binary form of a stream owner's checkpoint in cluster mode
// (MergeCheckpoint, stream_merge.h), which the owner produces to the
// compacted state topic in the transaction of its results, and from which
// the next owner resumes after a failover. Documented byte by byte in
// docs/histogram-format.md, "Owner checkpoints (cluster mode)": magic
// "DMCK", version 1, counter blocks in the sparse runs of pane partials
// (sparse_counts.h), CRC-32C.
//
// A checkpoint is valid when it keeps the bounds and orders below and those
// the comments of MergeCheckpoint state (time windows only: next_sequence
// 0; the assembler's blocks a whole number of `counters` words, at least
// one open pane; waiting pieces ascending, one per pane, none all zero;
// progress entries ascending, below the partition count). What a valid
// checkpoint cannot say by itself (that it fits the owner's window spec,
// reference and layout) StreamMerge::restore() checks.
// encode_merge_checkpoint() requires a valid checkpoint;
// decode_merge_checkpoint() returns only valid ones, and the encoding is
// canonical: bytes that decode re-encode to exactly themselves.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cluster/pane_partial.h"
#include "cluster/stream_merge.h"
#include "window/window_limits.h"

namespace driftd::cluster {

// Bounds of a valid checkpoint; decode_merge_checkpoint() refuses anything
// beyond. The assembler keeps panes_per_window - 1 closed panes and its
// open panes (window_limits.h); kMaxCheckpointCountWords bounds what a
// decoded checkpoint holds, (assembler panes + waiting pieces) x counters,
// as kMaxPartialCountWords does a partial (1 GiB of counts).
inline constexpr std::int64_t kMaxCheckpointPanes = kMaxPanesPerWindow - 1 + kMaxOpenPanes;
inline constexpr std::uint64_t kMaxCheckpointCountWords = kMaxPartialCountWords;
inline constexpr std::int32_t kMaxCheckpointPartitions =
    static_cast<std::int32_t>(kMaxPartialPartitions);

// Empty when `checkpoint` is valid, else its first violation.
std::string merge_checkpoint_problem(const MergeCheckpoint& checkpoint);

// REQUIRES: `checkpoint` is valid; throws std::invalid_argument naming the
// first violation otherwise.
std::vector<std::byte> encode_merge_checkpoint(const MergeCheckpoint& checkpoint);

// Throws InputError naming the defect on anything but the canonical
// encoding of a valid checkpoint (truncated, corrupt, foreign or
// non-canonical bytes) and never crashes. It allocates in proportion to
// the input's size, plus the dense counts of the blocks and pieces it has
// read (kMaxCheckpointCountWords words at most): no length is trusted
// before it is checked.
MergeCheckpoint decode_merge_checkpoint(std::span<const std::byte> bytes);

}  // namespace driftd::cluster
