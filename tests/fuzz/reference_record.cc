// Fuzz target: decode_reference_record (cluster/reference_record.h), the
// reader of a stream's reference in the references topic of cluster mode,
// with which every instance bins the stream's events. The stream is fixed
// (docs/histogram-format.md's example: a numeric feature with edges, a
// categorical one, another numeric one, the pair c|x and the group xy).
// The first input byte chooses whether the rest is fed as it is or with a
// valid CRC-32C sealed on (bit 0, crc32c_seal.h). Properties:
//   - bytes are either a record or an InputError, nothing else;
//   - a decoded record fits the stream (reference_record_problem() finds
//     nothing, encode_reference_record() accepts it) and re-encodes to
//     exactly the bytes it came from: the encoding is canonical;
//   - every present feature's bins survive the store's JSON form
//     (FeatureBins::to_json(), from_json()) with the same layout, and its
//     numeric bins put each edge in the bin NumericBinning says: the
//     number of edges <= it.
// Nothing is skipped: the largest allocation a record can ask for is a
// pair's table of kMaxPairCells words.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "cluster/reference_record.h"
#include "common/error.h"
#include "config/config_parser.h"
#include "crc32c_seal.h"
#include "fuzz_check.h"

namespace driftd::fuzz {
namespace {

const config::StreamConfig& stream() {
  static const config::StreamConfig parsed = config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "streams": [{"name": "s1", "source": {"type": "http"},
      "window": {"type": "tumbling", "size": "1m"},
      "features": [
        {"name": "x", "path": "/x", "type": "numeric", "binning": "edges", "edges": [0, 1]},
        {"name": "c", "path": "/c", "type": "categorical"},
        {"name": "y", "path": "/y", "type": "numeric"}],
      "pairs": [{"name": "c|x", "x": "c", "y": "x"}],
      "groups": [{"name": "xy", "features": ["x", "y"]}]}]})")
                                                     .streams.at(0);
  return parsed;
}

void check_bins(const FeatureBins& bins) {
  const FeatureBins stored = FeatureBins::from_json(bins.to_json());
  FUZZ_CHECK(stored.layout() == bins.layout());
  if (!bins.is_numeric()) return;
  const auto edges = bins.binning().edges();
  std::vector<std::uint32_t> assigned(edges.size());
  bins.binner().assign(edges, assigned);
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const auto at_or_below = std::upper_bound(edges.begin(), edges.end(), edges[k]) - edges.begin();
    FUZZ_CHECK(assigned[k] == static_cast<std::uint32_t>(at_or_below));
  }
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  if (size == 0) return 0;
  const std::vector<std::byte> bytes = fuzz::sealed_input(data, size);

  cluster::ReferenceRecord decoded;
  try {
    decoded = cluster::decode_reference_record(bytes, fuzz::stream());
  } catch (const InputError&) {
    return 0;
  }
  FUZZ_CHECK(cluster::reference_record_problem(decoded, fuzz::stream()).empty());
  for (const FeatureReference& feature : decoded.references.features) {
    if (feature.present()) fuzz::check_bins(feature.bins);
  }
  std::vector<std::byte> encoded;
  bool valid = true;
  try {
    encoded = cluster::encode_reference_record(decoded, fuzz::stream());
  } catch (const std::invalid_argument&) {
    valid = false;
  }
  FUZZ_CHECK(valid);
  FUZZ_CHECK(encoded == bytes);
  return 0;
}
