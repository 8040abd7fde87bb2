// What a stream's owner in cluster mode publishes for each window it
// closes, and the binary form it travels in on the results topic
// (docs/histogram-format.md, "Window results (cluster mode)": magic "DWRS",
// version 1, the counter block in the sparse runs of pane partials
// (sparse_counts.h), CRC-32C).
//
// The owner merges the partials into the window's counter block
// (StreamMerge), evaluates it, runs the stream's alert rules and produces
// one WindowResult to the results topic. Every instance consumes that topic
// and records the window and the alert changes in its own SQLite, the rows
// of single-instance mode. A result carries the window's merged integer
// counts, not its metrics: each instance evaluates them itself with the
// same code and references (reference_version and layout_fingerprint say
// which), so its rows are its own evaluation of the same integers. It
// carries the owner's alert changes as they are, since the alert decisions
// (streaks, CUSUMs, severities) are the owner's state: alerts are identical
// everywhere.
//
// A result is valid when it keeps the bounds the comments of its fields
// state. encode_window_result() requires a valid result;
// decode_window_result() returns only valid ones, and the encoding is
// canonical: bytes that decode re-encode to exactly themselves. Whether the
// counts fit the consumer's stream (reference version, layout) is the
// consumer's check: this unit only carries them.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cluster/pane_partial.h"
#include "pipeline/alert_change.h"
#include "window/pane.h"

namespace driftd::cluster {

// Bounds of a valid result; decode_window_result() refuses anything beyond.
// The names and the counter block follow the pane partial's limits
// (kMaxPartialNameBytes, 1..kMaxPartialCounters words). kMaxResultChanges:
// one window changes each (subject, rule) at most once, but no
// configuration limit bounds subjects x rules, so this is a round bound:
// 65,536 changes (18 bytes each, about 1.2 MB), far above real windows.
inline constexpr std::size_t kMaxResultChanges = std::size_t{1} << 16;

// The results topic's one partition, which every owner produces to: one
// order of every stream's results, the same for every instance reading it,
// so the alert events it carries are numbered the same everywhere.
inline constexpr std::int32_t kResultsPartition = 0;

// The id of the alert event of change `change` of the result at `offset`
// of that partition: (offset << 16) + change + 1, increasing with offset
// and change, never 0, never shared (a result has at most
// kMaxResultChanges = 2^16 changes). REQUIRES: offset < 2^46.
inline std::int64_t alert_event_id(std::int64_t offset, std::size_t change) {
  return offset * static_cast<std::int64_t>(kMaxResultChanges) + static_cast<std::int64_t>(change) + 1;
}

struct WindowResult {
  std::string stream;  // 1..kMaxPartialNameBytes bytes
  std::string owner;   // the owning instance's id, 1..kMaxPartialNameBytes bytes (diagnostics)
  std::int64_t reference_version = 0;    // the references the counts were binned with
  std::uint64_t layout_fingerprint = 0;  // CounterLayout::fingerprint() of the owner
  // [start, end) ms, both in [kMinTimestampMs, kMaxTimestampMs], start < end.
  Interval bounds;
  // Events the owner found late since the stream's previous window.
  std::uint64_t late = 0;
  // The window's merged counter block (counter_layout.h), 1..kMaxPartialCounters
  // words; all zeros is valid (a window no event fell into).
  std::vector<std::uint64_t> counts;
  // The owner's alert transitions for this window, in the order it made
  // them, at most kMaxResultChanges. Each: subject and rule below 2^32; a
  // transition other than kNone with the severity it leaves
  // (AlertRuleState::observe: fired leaves warn or critical, escalated
  // critical, deescalated warn, resolved none); a value that is not NaN
  // (RuleEvidence: it may be +inf).
  std::vector<AlertChange> changes;

  friend bool operator==(const WindowResult&, const WindowResult&) = default;
};

// Empty when `result` is valid, else its first violation.
std::string window_result_problem(const WindowResult& result);

// REQUIRES: `result` is valid; throws std::invalid_argument naming the first
// violation otherwise.
std::vector<std::byte> encode_window_result(const WindowResult& result);

// Throws InputError naming the defect on anything but the canonical
// encoding of a valid result (truncated, corrupt, foreign or non-canonical
// bytes) and never crashes. It allocates in proportion to the input's size,
// plus the dense counter block (kMaxPartialCounters words at most): no
// length is trusted before it is checked.
WindowResult decode_window_result(std::span<const std::byte> bytes);

}  // namespace driftd::cluster
