// Fuzz target: decode_checkpoint (pipeline/checkpoint_codec.h), the reader
// of the window_checkpoints BLOBs a restart resumes from, and then
// StreamRuntime::restore, which consumes what it decodes. The first input
// byte chooses whether the rest is fed as it is or with a valid CRC-32C
// sealed on (crc32c_seal.h). Properties:
//   - bytes are either a checkpoint or an InputError, nothing else;
//   - a version-3 checkpoint re-encodes to exactly the bytes it came from
//     (versions 1 and 2 are read too and re-encode as version 3 to the same
//     content);
//   - restoring it, with the reference ids of the fuzz stream's runtime
//     filled in so the contents are looked at, either succeeds or throws
//     InputError; after success the runtime polls and checkpoints again.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "common/error.h"
#include "crc32c_seal.h"
#include "fuzz_check.h"
#include "fuzz_stream.h"
#include "pipeline/checkpoint_codec.h"

namespace driftd::fuzz {
namespace {

bool same_checkpoint(const StreamCheckpoint& a, const StreamCheckpoint& b) {
  if (a.windows.first_pane != b.windows.first_pane ||
      a.windows.first_open_pane != b.windows.first_open_pane ||
      a.windows.next_sequence != b.windows.next_sequence || a.windows.counts != b.windows.counts ||
      a.reference_ids != b.reference_ids || a.waiting.size() != b.waiting.size() ||
      a.late_pending != b.late_pending) {
    return false;
  }
  for (std::size_t p = 0; p < a.waiting.size(); ++p) {
    if (a.waiting[p].pane != b.waiting[p].pane || a.waiting[p].deltas != b.waiting[p].deltas) {
      return false;
    }
  }
  return true;
}

void check_restore(StreamCheckpoint checkpoint) {
  static const std::unique_ptr<StreamRuntime> source = monitoring_runtime(EventTimeFrom::field);
  StreamRuntime runtime(source->config(), 1);
  runtime.install_references(source->references());
  checkpoint.reference_ids = source->references().ids();
  try {
    FUZZ_CHECK(runtime.restore(checkpoint, kFuzzNowMs));
  } catch (const InputError&) {
    return;
  }
  runtime.poll(kFuzzNowMs, [](const WindowEvaluation&, std::uint64_t) {});
  StreamCheckpoint again;
  runtime.checkpoint(again);
}

}  // namespace
}  // namespace driftd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace driftd;
  if (size == 0) return 0;
  const std::vector<std::byte> bytes = fuzz::sealed_input(data, size);

  StreamCheckpoint decoded;
  try {
    decoded = decode_checkpoint(bytes);
  } catch (const InputError&) {
    return 0;
  }
  const std::vector<std::byte> encoded = encode_checkpoint(decoded);
  if (bytes[4] == std::byte{3}) {
    FUZZ_CHECK(encoded == bytes);
  } else {
    FUZZ_CHECK(fuzz::same_checkpoint(decode_checkpoint(encoded), decoded));
  }
  fuzz::check_restore(std::move(decoded));
  return 0;
}
