// Fuzz target: decode_merge_checkpoint (cluster/merge_checkpoint.h), the
// reader of the checkpoints a stream's new owner resumes from after a
// failover in cluster mode, and then StreamMerge::restore, which consumes
// what it decodes. The first input byte chooses whether the rest is fed as
// it is or with a valid CRC-32C sealed on (bit 0, crc32c_seal.h), and the
// owner's window spec (bit 1: tumbling 100 ms, or sliding 300 ms by 100 ms
// with 50 ms of allowed lateness). Properties:
//   - bytes are either a checkpoint or an InputError, nothing else;
//   - a decoded checkpoint is valid (merge_checkpoint_problem() finds
//     nothing, encode_merge_checkpoint() accepts it) and re-encodes to
//     exactly the bytes it came from: the encoding is canonical;
//   - restoring it into a fresh StreamMerge with its reference version,
//     fingerprint and counters either succeeds or throws InputError; after
//     success the owner's checkpoint is valid with the same totals and
//     partitions, it polls, every window it emits has `counters` words, and
//     it checkpoints a valid checkpoint again.
// Inputs whose counters field (offset 24) lies in (256, kMaxPartialCounters]
// are skipped: an empty pane block is one byte and decodes to `counters`
// words, so thousands of them would spend the run allocating, not decoding.
// Counters above the limit are still fed (their refusal is a property too);
// tests/cluster covers the largest checkpoints.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "cluster/merge_checkpoint.h"
#include "cluster/stream_merge.h"
#include "common/error.h"
#include "crc32c_seal.h"
#include "fuzz_check.h"

namespace driftd::fuzz {
namespace {

constexpr std::size_t kCountersOffset = 24;
constexpr std::uint32_t kMostCountersFuzzed = 256;
constexpr std::int64_t kIdleMs = 1'000;
constexpr std::int64_t kActivity = 1'000'000;

bool skipped(const std::vector<std::byte>& bytes) {
  if (bytes.size() < kCountersOffset + 4) return false;
  std::uint32_t counters = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    counters |= std::to_integer<std::uint32_t>(bytes[kCountersOffset + i]) << (8 * i);
  }
  return counters > kMostCountersFuzzed && counters <= cluster::kMaxPartialCounters;
}

void check_restore(const cluster::MergeCheckpoint& checkpoint, bool sliding) {
  using std::chrono::milliseconds;
  const WindowSpec spec =
      sliding ? WindowSpec::sliding(milliseconds(300), milliseconds(100), TimeDomain::event_time,
                                    milliseconds(50))
              : WindowSpec::tumbling(milliseconds(100), TimeDomain::event_time);
  cluster::StreamMerge merge(spec, checkpoint.counters, checkpoint.reference_version,
                             checkpoint.layout_fingerprint, kIdleMs, kIdleMs);
  try {
    merge.restore(checkpoint, kActivity);
  } catch (const InputError&) {
    return;
  }
  const cluster::MergeCheckpoint restored = merge.checkpoint();
  FUZZ_CHECK(cluster::merge_checkpoint_problem(restored).empty());
  FUZZ_CHECK(restored.totals == checkpoint.totals);
  FUZZ_CHECK(restored.source == checkpoint.source);
  FUZZ_CHECK(restored.partition_count == checkpoint.partition_count);
  merge.poll(kActivity + 2 * kIdleMs, [&](const ClosedWindow& window) {
    FUZZ_CHECK(window.counts.size() == checkpoint.counters);
  });
  FUZZ_CHECK(cluster::merge_checkpoint_problem(merge.checkpoint()).empty());
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  if (size == 0) return 0;
  const bool sliding = (data[0] & 2) != 0;
  const std::vector<std::byte> bytes = fuzz::sealed_input(data, size);
  if (fuzz::skipped(bytes)) return 0;

  cluster::MergeCheckpoint decoded;
  try {
    decoded = cluster::decode_merge_checkpoint(bytes);
  } catch (const InputError&) {
    return 0;
  }
  FUZZ_CHECK(cluster::merge_checkpoint_problem(decoded).empty());
  std::vector<std::byte> encoded;
  bool valid = true;
  try {
    encoded = cluster::encode_merge_checkpoint(decoded);
  } catch (const std::invalid_argument&) {
    valid = false;
  }
  FUZZ_CHECK(valid);
  FUZZ_CHECK(encoded == bytes);
  fuzz::check_restore(decoded, sliding);
  return 0;
}
