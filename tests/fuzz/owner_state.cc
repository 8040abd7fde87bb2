// Fuzz target: decode_owner_state (cluster/owner_state.h), the reader of the
// state a stream's new owner resumes from after a failover in cluster mode
// (alert rule states around a nested merge checkpoint). The first input
// byte chooses whether the rest is fed as it is or with a valid CRC-32C
// sealed on (bit 0, crc32c_seal.h), and whether the nested checkpoint, when
// its length field points within the bytes, gets its own valid CRC-32C
// first (bit 1), so that mutations reach the nested fields. Properties:
//   - bytes are either a state or an InputError, nothing else;
//   - a decoded state is valid (owner_state_problem() finds nothing,
//     encode_owner_state() accepts it) and re-encodes to exactly the bytes
//     it came from: the encoding is canonical.
// Inputs whose nested counters field lies in (256, kMaxPartialCounters] are
// skipped, as in the merge_checkpoint target (allocation, not decoding).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "cluster/owner_state.h"
#include "cluster/pane_partial.h"
#include "common/error.h"
#include "crc32c_seal.h"
#include "fuzz_check.h"

namespace driftd::fuzz {
namespace {

constexpr std::size_t kRuleCountOffset = 16;
constexpr std::size_t kStreamLengthOffset = 20;
constexpr std::size_t kRuleStateBytes = 13;
constexpr std::size_t kNestedCountersOffset = 24;
constexpr std::uint32_t kMostCountersFuzzed = 256;

std::uint64_t read_le(const std::vector<std::byte>& bytes, std::size_t at, std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) value |= std::to_integer<std::uint64_t>(bytes[at + i]) << (8 * i);
  return value;
}

// Where the nested checkpoint lies, when its length field and its bytes
// are within the input (before the outer checksum).
std::optional<std::span<std::byte>> nested(std::vector<std::byte>& bytes) {
  if (bytes.size() < kStreamLengthOffset + 1) return std::nullopt;
  const std::uint64_t rules = read_le(bytes, kRuleCountOffset, 4);
  const std::uint64_t length_at = kStreamLengthOffset + 1 +
                                  std::to_integer<std::uint64_t>(bytes[kStreamLengthOffset]) +
                                  kRuleStateBytes * rules;
  if (length_at + 4 > bytes.size()) return std::nullopt;
  const std::uint64_t length = read_le(bytes, length_at, 4);
  if (length < kNestedCountersOffset + 4 + 4 || length_at + 4 + length + 4 > bytes.size()) {
    return std::nullopt;
  }
  return std::span(bytes).subspan(length_at + 4, length);
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  if (size == 0) return 0;
  std::vector<std::byte> bytes(size - 1);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::byte>(data[1 + i]);
  if (const auto inner = fuzz::nested(bytes)) {
    const std::uint64_t counters = fuzz::read_le(bytes, static_cast<std::size_t>(inner->data() - bytes.data()) +
                                                            fuzz::kNestedCountersOffset, 4);
    if (counters > fuzz::kMostCountersFuzzed && counters <= cluster::kMaxPartialCounters) return 0;
    if ((data[0] & 2) != 0) fuzz::seal_crc32c(*inner);
  }
  if ((data[0] & 1) != 0 && bytes.size() >= 4) fuzz::seal_crc32c(bytes);

  cluster::OwnerState decoded;
  try {
    decoded = cluster::decode_owner_state(bytes);
  } catch (const InputError&) {
    return 0;
  }
  FUZZ_CHECK(cluster::owner_state_problem(decoded).empty());
  std::vector<std::byte> encoded;
  bool valid = true;
  try {
    encoded = cluster::encode_owner_state(decoded);
  } catch (const std::invalid_argument&) {
    valid = false;
  }
  FUZZ_CHECK(valid);
  FUZZ_CHECK(encoded == bytes);
  return 0;
}
