#include "pipeline/row_spool.h"

#include <limits>
#include <utility>

namespace driftd {

RowSpool::RowSpool(const ingest::DecoderSchema& schema)
    : resolvers_(schema.categorical_count()) {
  rows_.numeric.resize(schema.numeric_count());
  rows_.categorical.resize(schema.categorical_count());
}

std::vector<ingest::CategoryResolver*> RowSpool::resolvers() {
  std::vector<ingest::CategoryResolver*> out;
  for (ingest::InterningResolver& resolver : resolvers_) out.push_back(&resolver);
  return out;
}

void RowSpool::append(const ingest::DecodedBatch& batch, int64_t now_ms) {
  if (batch.has_event_time()) {
    const auto times = batch.event_time_ms();
    rows_.times_ms.insert(rows_.times_ms.end(), times.begin(), times.end());
  } else {
    rows_.times_ms.insert(rows_.times_ms.end(), batch.rows(), now_ms);
  }
  for (std::size_t c = 0; c < rows_.numeric.size(); ++c) {
    const auto values = batch.numeric(c);
    rows_.numeric[c].insert(rows_.numeric[c].end(), values.begin(), values.end());
  }
  for (std::size_t c = 0; c < rows_.categorical.size(); ++c) {
    const auto ids = batch.categorical(c);
    rows_.categorical[c].ids.insert(rows_.categorical[c].ids.end(), ids.begin(), ids.end());
  }
}

ingest::RawRows RowSpool::take() {
  ingest::RawRows out = std::move(rows_);
  rows_ = {};
  rows_.numeric.resize(out.numeric.size());
  rows_.categorical.resize(out.categorical.size());
  constexpr uint32_t kUnseen = std::numeric_limits<uint32_t>::max();
  for (std::size_t c = 0; c < out.categorical.size(); ++c) {
    ingest::RawCategoricalColumn& column = out.categorical[c];
    std::vector<uint32_t> renumbered(resolvers_[c].size(), kUnseen);
    for (uint32_t& id : column.ids) {
      if (id == ingest::kMissingCategory || id == ingest::kInvalidCategory) continue;
      if (renumbered[id] == kUnseen) {
        renumbered[id] = static_cast<uint32_t>(column.values.size());
        column.values.emplace_back(resolvers_[c].value(id));
      }
      id = renumbered[id];
    }
  }
  return out;
}

}  // namespace driftd
