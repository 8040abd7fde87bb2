// The event decoder of the hot path: JSON events in, feature columns out
// (docs/architecture.md, "Data flow", step 2).
//
// An EventDecoder is built from a DecoderSchema and one CategoryResolver per
// categorical feature. It owns one reused simdjson On-Demand parser and
// walks each event object once, front to back, dispatching on every key
// through the schema's PathTrie (a hashed key table per nested object)
// instead of searching the event once per feature. It also learns the key
// order of the stream: each key is first compared with the key that
// followed the previous match in earlier events, and hashed only when that
// guess fails. bench/decoder_bench.cc measures this against one at_pointer
// per feature on 212-byte events with 10 numbers: about 4M vs 2M events/s
// per core on the development machine (2.9M before the key-order guess).
//
// Values (the column types are described in decoded_batch.h):
// - numeric feature: a JSON number is its value (integers beyond 2^53 round
//   to the nearest double); null or absent is missing; a string, boolean,
//   array or object is invalid, so is a number beyond double range (1e400;
//   1e-400 underflows to 0, a value).
// - categorical feature: a string is its unescaped text, a number its JSON
//   text, a boolean "true"/"false", each resolved at once to a bin id by the
//   feature's resolver; null or absent is kMissingCategory; an array or
//   object kInvalidCategory.
// - event time: see event_time.h; missing or invalid drops the event, as
//   does a time beyond set_latest_event_time().
// - keys are matched after unescaping ("caf\u00e9" is "café"); unknown keys
//   are skipped (checked, not read). Duplicate keys: the first occurrence
//   wins at every level, as with JSON Pointer evaluation; later ones are
//   skipped (checked, not read).
//
// Malformed events (counted, skipped, never thrown): anything that is not
// one valid JSON object (RFC 8259), wherever the error is: also inside the
// value of a key no feature reads, of a repeated key, or of an array element
// or object member beyond the schema. simdjson On-Demand is not a validating
// parser (skipping a value only counts its brackets), so the walk does not
// let it skip: every value of the event is visited in the same single pass,
// a value nobody reads is checked without being converted (a number against
// the JSON grammar, a literal by its letters, a string only when it has
// escapes; stage 1 already checked UTF-8 and control characters in the
// whole event). Objects and arrays nested 1024 levels deep (the root
// object is level 1; simdjson's default depth limit) make the event
// malformed; that bounds the recursion through values nobody reads.
// bench/decoder_bench.cc /2 measures what checking keys nobody reads costs.
//
// Buffers: simdjson reads up to kJsonPadding bytes past the end of a
// document (it never interprets them). decode_one() and decode_ndjson() take
// the capacity of the caller's buffer; when it leaves less than kJsonPadding
// bytes after the JSON, they copy it to a reused scratch buffer first.
//
// NDJSON bodies: each line is parsed as its own document (memchr for '\n',
// then iterate() on a view into the body) rather than with
// parser.iterate_many(): iterate_many stops at the first error in a batch
// and cannot resynchronise, whereas a bad line here costs only itself and
// is reported with its line number.
//
// Guarantees: decoding never throws and allocates nothing in steady state
// (the parser, the scratch buffer and the batch columns grow to the largest
// event/body seen, then stay). The batch accumulates: a call appends rows
// and adds to its counters.
//
// Thread safety: an EventDecoder belongs to one thread at a time (one per
// worker); different decoders run concurrently. Its resolvers are called on
// that thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "ingest/category_resolver.h"
#include "ingest/decoded_batch.h"
#include "ingest/decoder_schema.h"
#include "ingest/error_sink.h"

namespace driftd::ingest {

// Bytes simdjson may read past the end of a document (SIMDJSON_PADDING).
inline constexpr std::size_t kJsonPadding = 64;

// What one decode_ndjson() call did (the batch has the running totals).
struct BodySummary {
  std::size_t events = 0;  // non-blank lines, or elements of a JSON array body
  std::size_t rows = 0;
  std::size_t malformed = 0;
  std::size_t invalid_event_time = 0;
};

class EventDecoder {
 public:
  // REQUIRES: resolvers.size() == schema.categorical_count(), resolvers[c]
  // serves categorical column c, none null, all outliving the decoder
  // (else InputError).
  EventDecoder(DecoderSchema schema, std::vector<CategoryResolver*> resolvers);
  ~EventDecoder();
  EventDecoder(EventDecoder&&) noexcept;
  EventDecoder& operator=(EventDecoder&&) noexcept;
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  const DecoderSchema& schema() const;
  // The resolvers given at construction, by categorical column.
  std::span<CategoryResolver* const> resolvers() const;

  // Decodes one document (a Kafka message) into batch. capacity is the
  // number of readable bytes from json.data(); >= json.size() +
  // kJsonPadding avoids a copy.
  EventOutcome decode_one(std::string_view json, std::size_t capacity, DecodedBatch& batch);
  // The same with the event's time supplied by the caller (a Kafka message
  // timestamp, ms since the epoch): the batch gets an event-time column,
  // and a time outside the windows' range (e.g. INT64_MIN for "none") makes
  // the event an invalid-event-time rejection. REQUIRES: the schema has no
  // event-time pointer (else std::logic_error).
  EventOutcome decode_one(std::string_view json, std::size_t capacity, DecodedBatch& batch,
                          std::int64_t event_time_ms);

  // Decodes an HTTP body: NDJSON (one object per line, blank lines skipped,
  // "\r\n" accepted) or, when its first non-blank byte is '[', one JSON
  // array of objects. Rejected events are counted in batch and, if errors
  // is not null, reported to it. In an array body an element that is not an
  // object is skipped, but a syntax error ends the body (counted once):
  // a single document cannot be resynchronised. capacity as for
  // decode_one().
  BodySummary decode_ndjson(std::string_view body, std::size_t capacity, DecodedBatch& batch,
                            ErrorSink* errors = nullptr);

  // Event times later than latest_ms make their events invalid-event-time
  // rejections ("event time too far in the future") from now on; the caller
  // sets it once per batch from its clock (event_time.max_future ahead).
  // Default kMaxTimestampMs: every time the windows can represent.
  void set_latest_event_time(std::int64_t latest_ms);

  // Why the last rejected event was rejected (static text).
  std::string_view last_reason() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace driftd::ingest
