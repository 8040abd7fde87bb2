// Fuzz target: decode_window_result (cluster/window_result.h), the reader of
// what a stream's owner publishes for each closed window in cluster mode,
// which every instance consumes into its own SQLite. The first input byte
// chooses whether the rest is fed as it is or with a valid CRC-32C sealed on
// (bit 0, crc32c_seal.h). Properties:
//   - bytes are either a result or an InputError, nothing else;
//   - a decoded result is valid (window_result_problem() finds nothing,
//     encode_window_result() accepts it) and re-encodes to exactly the bytes
//     it came from: the encoding is canonical;
//   - its counter block has the counters field's words, and no change has a
//     NaN value.
// Inputs whose counters field (offset 48) lies in (4096, kMaxPartialCounters]
// are skipped: a block of zeros is one byte and decodes to `counters` words,
// so they would spend the run allocating, not decoding. Counters above the
// limit are still fed (their refusal is a property too); tests/cluster
// covers the largest results.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "cluster/window_result.h"
#include "common/error.h"
#include "crc32c_seal.h"
#include "fuzz_check.h"

namespace driftd::fuzz {
namespace {

constexpr std::size_t kCountersOffset = 48;
constexpr std::uint32_t kMostCountersFuzzed = 4096;

std::uint32_t counters_field(const std::vector<std::byte>& bytes) {
  std::uint32_t counters = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    counters |= std::to_integer<std::uint32_t>(bytes[kCountersOffset + i]) << (8 * i);
  }
  return counters;
}

bool skipped(const std::vector<std::byte>& bytes) {
  if (bytes.size() < kCountersOffset + 4) return false;
  const std::uint32_t counters = counters_field(bytes);
  return counters > kMostCountersFuzzed && counters <= cluster::kMaxPartialCounters;
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  if (size == 0) return 0;
  const std::vector<std::byte> bytes = fuzz::sealed_input(data, size);
  if (fuzz::skipped(bytes)) return 0;

  cluster::WindowResult decoded;
  try {
    decoded = cluster::decode_window_result(bytes);
  } catch (const InputError&) {
    return 0;
  }
  FUZZ_CHECK(cluster::window_result_problem(decoded).empty());
  FUZZ_CHECK(decoded.counts.size() == fuzz::counters_field(bytes));
  for (const AlertChange& change : decoded.changes) FUZZ_CHECK(!std::isnan(change.value));
  std::vector<std::byte> encoded;
  bool valid = true;
  try {
    encoded = cluster::encode_window_result(decoded);
  } catch (const std::invalid_argument&) {
    valid = false;
  }
  FUZZ_CHECK(valid);
  FUZZ_CHECK(encoded == bytes);
  return 0;
}
