#include "ingest/raw_rows.h"

#include <algorithm>
#include <bit>

namespace driftd::ingest {

bool operator==(const RawRows& a, const RawRows& b) {
  const auto same_bits = [](const std::vector<double>& x, const std::vector<double>& y) {
    return std::ranges::equal(x, y, [](double p, double q) {
      return std::bit_cast<std::uint64_t>(p) == std::bit_cast<std::uint64_t>(q);
    });
  };
  if (a.times_ms != b.times_ms || a.numeric.size() != b.numeric.size()) return false;
  for (std::size_t c = 0; c < a.numeric.size(); ++c) {
    if (!same_bits(a.numeric[c], b.numeric[c])) return false;
  }
  return std::ranges::equal(a.categorical, b.categorical,
                            [](const RawCategoricalColumn& x, const RawCategoricalColumn& y) {
                              return x.values == y.values && x.ids == y.ids;
                            });
}

BodySummary append_raw_rows(const RawRows& rows, bool event_time,
                            std::span<CategoryResolver* const> resolvers, DecodedBatch& batch) {
  std::vector<double> numbers(rows.numeric.size());
  std::vector<std::uint32_t> ids(rows.categorical.size());
  // Each column's values resolved once, not once per row.
  std::vector<std::vector<std::uint32_t>> resolved(rows.categorical.size());
  for (std::size_t c = 0; c < rows.categorical.size(); ++c) {
    for (const std::string& value : rows.categorical[c].values) {
      resolved[c].push_back(resolvers[c]->resolve(value));
    }
  }
  for (std::size_t row = 0; row < rows.rows(); ++row) {
    for (std::size_t c = 0; c < numbers.size(); ++c) numbers[c] = rows.numeric[c][row];
    for (std::size_t c = 0; c < ids.size(); ++c) {
      const std::uint32_t id = rows.categorical[c].ids[row];
      ids[c] = id == kMissingCategory || id == kInvalidCategory ? id : resolved[c][id];
    }
    batch.append_values(event_time, rows.times_ms[row], numbers, ids);
  }
  return {.events = rows.rows(), .rows = rows.rows()};
}

}  // namespace driftd::ingest
