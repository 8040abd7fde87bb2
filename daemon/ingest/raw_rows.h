// Rows as a decoder produced them, with each category's text in place of a
// bin id: what an instance of cluster mode sends its stream's owner while
// the stream has no reference to bin with yet (cluster/capture_rows.h is
// their binary form), and what the owner decodes again, with its own
// resolvers, into a DecodedBatch (append_raw_rows).
//
// A RawRows is well formed when every column has rows() entries and, in
// each categorical column, `values` are distinct and in order of first use
// by `ids`, every one used, and each id indexes them or is kMissingCategory
// or kInvalidCategory. Numbers keep decoded_batch.h's conventions: a
// missing value is the default quiet NaN, an invalid one kInvalidNumber.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ingest/category_resolver.h"
#include "ingest/decoded_batch.h"
#include "ingest/event_decoder.h"

namespace driftd::ingest {

struct RawCategoricalColumn {
  std::vector<std::string> values;  // distinct, in order of first use by `ids`
  std::vector<std::uint32_t> ids;   // per row
};

struct RawRows {
  // Per row: its event time, or (no event time) when it arrived, in ms.
  std::vector<std::int64_t> times_ms;
  std::vector<std::vector<double>> numeric;  // per numeric column, per row
  std::vector<RawCategoricalColumn> categorical;

  std::size_t rows() const { return times_ms.size(); }
  // Numbers compare by their bits (NaNs are values here).
  friend bool operator==(const RawRows& a, const RawRows& b);
};

// Appends `rows` to `batch` as if their events had been decoded into it:
// column c's categories resolved by resolvers[c], and with `event_time`
// the rows' times as the batch's event times. Returns the rows taken
// (every one). REQUIRES: rows well formed, with the batch decoder's numbers
// of numeric and categorical columns; resolvers.size() the latter.
BodySummary append_raw_rows(const RawRows& rows, bool event_time,
                            std::span<CategoryResolver* const> resolvers, DecodedBatch& batch);

}  // namespace driftd::ingest
