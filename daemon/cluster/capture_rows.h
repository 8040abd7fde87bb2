// The raw rows of a reference capture in cluster mode (ingest::RawRows),
// and the binary form they travel in (docs/histogram-format.md, "Capture
// rows (cluster mode)").
//
// A stream that captures its reference from its first events has no bins
// yet, so an instance cannot count those events into panes: at its cut it
// produces the decoded rows themselves, as capture-rows records, to the
// partials topic (key: the stream's name), and the stream's owner captures
// the reference from them. is_capture_rows() tells them from pane partials
// there.
//
// Rows are valid when they are well formed (raw_rows.h) and keep the
// bounds below (the comments on the fields, the constants): a numeric value
// is finite, missing (the default quiet NaN) or invalid
// (ingest::kInvalidNumber), nothing else. encode_capture_rows() requires
// valid rows; decode_capture_rows() returns only valid ones, and the
// encoding is canonical: bytes that decode re-encode to exactly themselves.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cluster/pane_partial.h"
#include "cluster/reference_record.h"
#include "ingest/raw_rows.h"

namespace driftd::cluster {

// Bounds of valid rows; decode_capture_rows() refuses anything beyond.
// Rows, column counts and a value's length are u32 fields of the format,
// each bounded by a round 2^24 (a record must fit a Kafka message anyway),
// a value as a reference's category (reference_record.h), which it may
// become. kMaxCaptureRows bounds one record: a cut's rows split into as
// many records as they need (encode_capture_rows_records()).
inline constexpr std::uint32_t kMaxCaptureRows = std::uint32_t{1} << 24;
inline constexpr std::size_t kMaxCaptureColumns = std::size_t{1} << 24;
inline constexpr std::size_t kMaxCaptureValueBytes = kMaxReferenceCategoryBytes;

struct CaptureRows {
  std::string stream;    // 1..kMaxPartialNameBytes bytes
  std::string producer;  // the producing instance's id, 1..kMaxPartialNameBytes bytes
  std::uint64_t sequence = 0;  // the producer's cut number (diagnostics)
  // 1 to kMaxCaptureRows rows, each time in [kMinTimestampMs,
  // kMaxTimestampMs]; at most kMaxCaptureColumns numeric and as many
  // categorical columns; numbers finite (-0 kept), the default quiet NaN or
  // ingest::kInvalidNumber (no infinity: the decoder counts a number beyond
  // double range as invalid; no other NaN); each categorical value UTF-8
  // (as JSON events' values are) of at most kMaxCaptureValueBytes bytes
  // (empty allowed).
  ingest::RawRows rows;

  // Numbers compare by their bits (RawRows): equal rows encode to equal
  // bytes.
  friend bool operator==(const CaptureRows&, const CaptureRows&) = default;
};

// REQUIRES: `rows` are valid; throws std::invalid_argument naming the first
// violation otherwise.
std::vector<std::byte> encode_capture_rows(const CaptureRows& rows);

// The records of one cut of one stream's rows: consecutive ranges of rows,
// in order, each as many rows as fit `max_record_bytes` and at most
// kMaxCaptureRows (at least one: a single row larger than the limit stays
// one record, which the producer's limit then refuses), each with its own
// dictionaries (the values its rows use, by first use), every one with the
// rows' stream, producer and sequence. No rows: no record. REQUIRES:
// `rows` are valid but for their number, which may be any.
std::vector<std::vector<std::byte>> encode_capture_rows_records(
    const CaptureRows& rows, std::size_t max_record_bytes = kMaxPartialRecordBytes);

// Throws InputError naming the defect on anything but the canonical
// encoding of valid rows (truncated, corrupt, foreign or non-canonical
// bytes) and never crashes. It allocates in proportion to the input's size:
// no count or length is trusted before it is checked against the bytes
// left.
CaptureRows decode_capture_rows(std::span<const std::byte> bytes);

// Whether `bytes` start with this format's magic: a capture-rows record
// rather than a pane partial. Says nothing of the rest.
bool is_capture_rows(std::span<const std::byte> bytes);

}  // namespace driftd::cluster
