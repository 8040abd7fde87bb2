#include "pipeline/checkpoint_codec.h"

#include <cstring>
#include <string>

#include "common/binary_codec.h"
#include "common/error.h"

namespace driftd {
namespace {

constexpr char kMagic[4] = {'D', 'W', 'C', 'K'};
constexpr uint8_t kVersion = 3;
constexpr uint8_t kVersionWithoutLate = 2;
constexpr uint8_t kVersionWithoutWaiting = 1;
constexpr const char* kWhat = "window checkpoint";

}  // namespace

std::vector<std::byte> encode_checkpoint(const StreamCheckpoint& checkpoint) {
  std::vector<std::byte> out;
  for (char c : kMagic) out.push_back(static_cast<std::byte>(c));
  append_le<uint8_t>(out, kVersion);
  append_le<uint8_t>(out, 0);
  append_le<uint16_t>(out, 0);
  append_le<int64_t>(out, checkpoint.windows.first_pane);
  append_le<int64_t>(out, checkpoint.windows.first_open_pane);
  append_le<int64_t>(out, checkpoint.windows.next_sequence);
  append_le<uint32_t>(out, static_cast<uint32_t>(checkpoint.reference_ids.size()));
  for (int64_t id : checkpoint.reference_ids) append_le<int64_t>(out, id);
  append_le<uint64_t>(out, checkpoint.windows.counts.size());
  for (uint64_t count : checkpoint.windows.counts) append_le<uint64_t>(out, count);
  append_le<uint32_t>(out, static_cast<uint32_t>(checkpoint.waiting.size()));
  for (const PanePiece& piece : checkpoint.waiting) {
    append_le<int64_t>(out, piece.pane);
    append_le<uint64_t>(out, piece.deltas.size());
    for (uint64_t delta : piece.deltas) append_le<uint64_t>(out, delta);
  }
  append_le<uint64_t>(out, checkpoint.late_pending);
  append_le<uint32_t>(out, crc32c(out));
  return out;
}

StreamCheckpoint decode_checkpoint(std::span<const std::byte> bytes) {
  if (bytes.size() < 4 + 4 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    throw InputError("not a window checkpoint (bad magic)");
  }
  const auto body = bytes.first(bytes.size() - 4);
  LittleEndianReader trailer(bytes.last(4), kWhat);
  if (trailer.get<uint32_t>("crc") != crc32c(body)) {
    throw InputError("window checkpoint is corrupt (CRC mismatch)");
  }
  LittleEndianReader reader(body.subspan(4), kWhat);
  const auto version = reader.get<uint8_t>("version");
  if (version != kVersion && version != kVersionWithoutLate && version != kVersionWithoutWaiting) {
    throw InputError("window checkpoint has unknown format version " + std::to_string(version));
  }
  if (reader.get<uint8_t>("reserved") != 0 || reader.get<uint16_t>("reserved") != 0) {
    throw InputError("window checkpoint has non-zero reserved bytes");
  }
  StreamCheckpoint out;
  out.windows.first_pane = reader.get<int64_t>("first_pane");
  out.windows.first_open_pane = reader.get<int64_t>("first_open_pane");
  out.windows.next_sequence = reader.get<int64_t>("next_sequence");
  const auto references = reader.get<uint32_t>("reference count");
  if (references > reader.remaining() / 8) throw InputError("window checkpoint is truncated");
  for (uint32_t i = 0; i < references; ++i) out.reference_ids.push_back(reader.get<int64_t>("id"));
  const auto counters = reader.get<uint64_t>("counter count");
  const bool exact = version == kVersionWithoutWaiting;  // the counts end the body
  if (counters > reader.remaining() / 8 ||
      (exact && (counters != reader.remaining() / 8 || reader.remaining() % 8 != 0))) {
    throw InputError("window checkpoint counter count does not match its size");
  }
  out.windows.counts.reserve(counters);
  for (uint64_t i = 0; i < counters; ++i) out.windows.counts.push_back(reader.get<uint64_t>("count"));
  if (exact) return out;
  const auto pieces = reader.get<uint32_t>("piece count");
  for (uint32_t p = 0; p < pieces; ++p) {
    PanePiece piece;
    piece.pane = reader.get<int64_t>("piece pane");
    const auto deltas = reader.get<uint64_t>("delta count");
    if (deltas > reader.remaining() / 8) throw InputError("window checkpoint is truncated");
    piece.deltas.reserve(deltas);
    for (uint64_t d = 0; d < deltas; ++d) piece.deltas.push_back(reader.get<uint64_t>("delta"));
    out.waiting.push_back(std::move(piece));
  }
  if (version == kVersion) out.late_pending = reader.get<uint64_t>("late pending");
  if (reader.remaining() != 0) throw InputError("window checkpoint has trailing bytes");
  return out;
}

}  // namespace driftd
