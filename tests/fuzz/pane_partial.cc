// Fuzz target: decode_pane_partial (cluster/pane_partial.h), the reader of
// the pane partials a stream's owner takes from the other instances in
// cluster mode. The first input byte chooses whether the rest is fed as it
// is or with a valid CRC-32C sealed on (crc32c_seal.h). Properties:
//   - bytes are either a partial or an InputError, nothing else;
//   - a decoded partial is valid (encode_pane_partial does not refuse it)
//     and re-encodes to exactly the bytes it came from: the encoding is
//     canonical;
//   - each pane has `counters` words, not all zero, and adding them into
//     zero totals (add_counts) gives them back.
// Inputs whose counters field (offset 56) lies in (4096, kMaxPartialCounters]
// are skipped: a pane of a few bytes decodes to `counters` words, and
// hundreds of panes of 2^24 words would spend the run allocating, not
// decoding. Counters above the limit are still fed (their refusal is a
// property too); tests/cluster covers the largest partials.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "cluster/pane_partial.h"
#include "common/error.h"
#include "crc32c_seal.h"
#include "fuzz_check.h"

namespace driftd::fuzz {

using namespace driftd::cluster;
namespace {

constexpr std::size_t kCountersOffset = 56;
constexpr std::uint32_t kMostCountersFuzzed = 4096;

bool skipped(const std::vector<std::byte>& bytes) {
  if (bytes.size() < kCountersOffset + 4) return false;
  std::uint32_t counters = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    counters |= std::to_integer<std::uint32_t>(bytes[kCountersOffset + i]) << (8 * i);
  }
  return counters > kMostCountersFuzzed && counters <= kMaxPartialCounters;
}

void check_panes(const PanePartial& partial) {
  for (const PaneDelta& delta : partial.panes) {
    FUZZ_CHECK(delta.counts.size() == partial.counters);
    FUZZ_CHECK(std::any_of(delta.counts.begin(), delta.counts.end(),
                           [](std::uint64_t count) { return count != 0; }));
    std::vector<std::uint64_t> totals(partial.counters, 0);
    add_counts(totals, delta.counts);
    FUZZ_CHECK(totals == delta.counts);
  }
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  using namespace driftd::cluster;
  if (size == 0) return 0;
  const std::vector<std::byte> bytes = fuzz::sealed_input(data, size);
  if (fuzz::skipped(bytes)) return 0;

  PanePartial decoded;
  try {
    decoded = decode_pane_partial(bytes);
  } catch (const InputError&) {
    return 0;
  }
  std::vector<std::byte> encoded;
  bool valid = true;
  try {
    encoded = encode_pane_partial(decoded);
  } catch (const std::invalid_argument&) {
    valid = false;
  }
  FUZZ_CHECK(valid);
  FUZZ_CHECK(encoded == bytes);
  fuzz::check_panes(decoded);
  return 0;
}
