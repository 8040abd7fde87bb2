// Fuzz target: HistogramSnapshot::deserialize, the reader of the histogram
// BLOBs (docs/histogram-format.md). The first input byte chooses whether the
// rest is fed as it is or with a valid CRC-32C sealed on (crc32c_seal.h).
// Properties:
//   - bytes are either a snapshot or an InputError, nothing else;
//   - a snapshot re-serialises to exactly the bytes it came from, and any
//     shorter prefix of them is refused;
//   - merging a snapshot into itself doubles every count, or throws
//     InputError (overflow) and changes nothing; the result round-trips.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/error.h"
#include "crc32c_seal.h"
#include "fuzz_check.h"
#include "histogram/histogram_snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  if (size == 0) return 0;
  const std::vector<std::byte> bytes = fuzz::sealed_input(data, size);

  std::optional<HistogramSnapshot> decoded;
  try {
    decoded = HistogramSnapshot::deserialize(bytes);
  } catch (const InputError&) {
    return 0;
  }
  FUZZ_CHECK(decoded->serialize() == bytes);
  bool prefix_refused = false;
  try {
    HistogramSnapshot::deserialize(std::span(bytes).first(bytes.size() - 1));
  } catch (const InputError&) {
    prefix_refused = true;
  }
  FUZZ_CHECK(prefix_refused);

  const HistogramSnapshot original = *decoded;
  HistogramSnapshot merged = original;
  try {
    merged.merge(original);
  } catch (const InputError&) {
    FUZZ_CHECK(merged == original);
    return 0;
  }
  FUZZ_CHECK(merged.layout() == original.layout());
  for (std::size_t bin = 0; bin < original.counts().size(); ++bin) {
    FUZZ_CHECK(merged.counts()[bin] == 2 * original.counts()[bin]);
  }
  FUZZ_CHECK(merged.missing() == 2 * original.missing());
  FUZZ_CHECK(merged.invalid() == 2 * original.invalid());
  FUZZ_CHECK(HistogramSnapshot::deserialize(merged.serialize()) == merged);
  return 0;
}
