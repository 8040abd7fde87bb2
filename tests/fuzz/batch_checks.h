// Properties of decoded batches that the ingest fuzz targets check after
// every call (ingest/decoded_batch.h states them):
//   - every column has one entry per row, and the event times lie in the
//     windows' range;
//   - a numeric column's missing and invalid counters equal its NaNs of each
//     kind, and every other value is finite; a categorical column's counters
//     equal its kMissingCategory and kInvalidCategory ids;
//   - so valid + missing + invalid == rows, feature by feature.
// And the reference they are compared against: simdjson's validating DOM
// parser, which says whether a text is one JSON object.
//
// Thread safety: single-threaded (is_json_object reuses one parser).
#pragma once

#include <string_view>

#include "ingest/decoded_batch.h"

namespace driftd::fuzz {

// Aborts (FUZZ_CHECK) when a property above does not hold.
void check_batch(const ingest::DecodedBatch& batch);

// Same counters and bit-identical columns.
bool same_batch(const ingest::DecodedBatch& a, const ingest::DecodedBatch& b);

// True when text is exactly one valid JSON object (whitespace around it
// allowed): an event the decoder must never count as malformed.
bool is_json_object(std::string_view text);

}  // namespace driftd::fuzz
