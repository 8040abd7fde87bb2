// RowSpool: what a cluster-mode instance read of a stream that has no
// reference yet (docs/architecture.md, "Cluster mode", shared references).
// Without bins there is nothing to count, so the stream's writers decode
// with the spool's interning resolvers and append() their rows; each cut
// take()s them, category texts and all, for the stream's owner, which
// captures the reference from the rows of every instance.
//
// Promises: take() returns every row appended since the previous take(), in
// order, each with the values it was decoded with, well formed
// (ingest/raw_rows.h: each column's categories in order of first use within
// the rows taken). Memory: the rows until the next take(), plus every
// distinct category text met while spooling.
//
// Thread safety: none; the stream runtime serialises it (its capture
// mutex).
#pragma once

#include <cstdint>
#include <vector>

#include "ingest/category_resolver.h"
#include "ingest/decoded_batch.h"
#include "ingest/raw_rows.h"
#include "ingest/decoder_schema.h"

namespace driftd {

class RowSpool {
 public:
  explicit RowSpool(const ingest::DecoderSchema& schema);

  // One per categorical column, for the decoder whose rows come here.
  std::vector<ingest::CategoryResolver*> resolvers();

  // Appends every row of `batch` (decoded with resolvers()); a row's time is
  // its event time, or `now_ms` when the batch has none.
  void append(const ingest::DecodedBatch& batch, int64_t now_ms);

  // The rows appended since the previous take().
  ingest::RawRows take();

 private:
  std::vector<ingest::InterningResolver> resolvers_;  // per categorical column
  // Categorical ids are the resolvers' ids until take() renumbers them.
  ingest::RawRows rows_;
};

}  // namespace driftd
