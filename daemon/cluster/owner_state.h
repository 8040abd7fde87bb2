// A stream owner's state in cluster mode, as the owner produces it to the
// compacted state topic (keyed by the stream, in the partition of the
// stream's partials) in the transaction of its results, and as the next
// owner reads it back after a failover: the merge's checkpoint
// (merge_checkpoint.h), the alert rules' states and how many late events
// the owner's windows have reported. Documented byte by byte in
// docs/histogram-format.md, "Owner states (cluster mode)": magic "DOST",
// version 1, the merge checkpoint nested as its own DMCK frame, CRC-32C.
//
// A state is valid when its stream name has 1..kMaxPartialNameBytes bytes,
// it has at most kMaxOwnerRuleStates rule states, each with a severity of
// none, warn or critical and a finite CUSUM >= 0 that is 0 while firing
// (AlertRuleState), and its merge checkpoint is valid. Whether the rule
// states fit the stream's rules StreamAlerts::resume() checks.
// encode_owner_state() requires a valid state; decode_owner_state() returns
// only valid ones, and the encoding is canonical (bytes that decode
// re-encode to exactly themselves).
//
// A stream that captures its reference has capture chunks beside its
// state while the capture runs: the capture rows its owner received
// (capture_rows.h), under the keys capture_chunk_key() makes: the stream's
// name, "/capture/" and the chunk's number in 20 decimal digits (a stream
// name has no '/', config/string_format.h). The owner deletes them
// (tombstones) when the capture ends.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/stream_merge.h"
#include "pipeline/alert_rule.h"

namespace driftd::cluster {

// subjects x rules of one stream: far above any configuration's.
inline constexpr std::size_t kMaxOwnerRuleStates = std::size_t{1} << 20;

struct OwnerState {
  std::string stream;
  MergeCheckpoint merge;
  // Late events the owner's windows reported (MergeTotals::late_events at
  // its last window): the next window reports those counted since.
  uint64_t late_reported = 0;
  // StreamAlerts::states(): [subject][rule] flattened.
  std::vector<AlertRuleState> rules;

  friend bool operator==(const OwnerState&, const OwnerState&) = default;
};

// Empty when `state` is valid, else its first violation.
std::string owner_state_problem(const OwnerState& state);

// REQUIRES: `state` is valid; throws std::invalid_argument naming the first
// violation otherwise.
std::vector<std::byte> encode_owner_state(const OwnerState& state);

// Throws InputError naming the defect on anything but the canonical
// encoding of a valid state, and never crashes; it allocates in proportion
// to the input's size plus what decode_merge_checkpoint() allows.
OwnerState decode_owner_state(std::span<const std::byte> bytes);

struct CaptureChunkKey {
  std::string stream;
  std::uint64_t number = 0;
};
std::string capture_chunk_key(std::string_view stream, std::uint64_t number);
// The chunk a key names; nullopt for any other key (a stream's state).
std::optional<CaptureChunkKey> parse_capture_chunk_key(std::string_view key);

}  // namespace driftd::cluster
