// The binary form of a stream's open windows (window_checkpoints.state), so
// a restart resumes them instead of losing them.
//
// Layout (little-endian):
//   offset size  field
//   0      4     magic "DWCK"
//   4      1     format version (3; versions 1, without the waiting pieces,
//                and 2, without the late events pending, are read too)
//   5      3     reserved, zero
//   8      8     first_pane
//   16     8     first_open_pane
//   24     8     next_sequence
//   32     4     R, number of reference ids
//   36     8*R   reference ids the counts were binned against, feature order
//   ..     8     C, number of counters
//   ..     8*C   counts
//   ..     4     P, number of waiting pieces (version 2)
//   then P times:
//          8     the piece's pane
//          8     D, number of deltas
//          8*D   deltas
//   ..     8     events found late since the last closed window (version 3)
//   ..     4     CRC-32C of everything before
// A checkpoint only applies to the references it names: with another active
// reference the bins differ, so decode() callers compare the ids first.
// Corrupt, truncated or foreign bytes (non-zero reserved bytes included)
// throw InputError, never crash; so whatever decodes re-encodes to the same
// bytes (an older checkpoint to its version-3 form).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "pipeline/batch_recorder.h"
#include "window/window_assembler.h"

namespace driftd {

struct StreamCheckpoint {
  WindowCheckpoint windows;
  std::vector<int64_t> reference_ids;
  // Recorded events the windows could not take yet (beyond the horizon,
  // StreamRuntime's slow path): part of the cut like the counts.
  std::vector<PanePiece> waiting;
  // Events found late since the last closed window: the next window's row
  // reports them (its `late`), also after a restart.
  uint64_t late_pending = 0;
};

std::vector<std::byte> encode_checkpoint(const StreamCheckpoint& checkpoint);
StreamCheckpoint decode_checkpoint(std::span<const std::byte> bytes);

}  // namespace driftd
