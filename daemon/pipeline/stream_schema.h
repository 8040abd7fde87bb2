// How a stream's configured features map onto the decoder's columns and the
// window's counter block, built once per stream from its config.
//
// Thread safety: immutable after construction.
#pragma once

#include <cstddef>
#include <vector>

#include "config/config.h"
#include "ingest/decoder_schema.h"

namespace driftd {

struct FeatureColumn {
  bool numeric;
  std::size_t column;  // numeric or categorical column of the DecodedBatch
};

// The decoder schema of a stream (features in config order, the event-time
// pointer when the stream has a field-based event time) and, per feature,
// its decoded column.
struct StreamSchema {
  ingest::DecoderSchema decoder;
  std::vector<FeatureColumn> columns;
};

StreamSchema make_stream_schema(const config::StreamConfig& stream);

}  // namespace driftd
