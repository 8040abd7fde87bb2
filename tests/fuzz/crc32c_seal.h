// Lets a fuzz target reach past the CRC-32C that the histogram snapshot,
// window checkpoint, pane partial, merge checkpoint and window result
// formats end with: random bytes almost never carry a matching checksum, so
// the decoder would reject nearly every input at the checksum and never look
// at the fields.
//
// seal_crc32c() overwrites the last four bytes with the CRC-32C
// (common/binary_codec.h, little-endian) of the bytes before them, as the
// encoders write it. The targets seal half of their inputs (chosen by the
// first byte) and feed the other half as they are, so the checksum test
// itself is fuzzed too.
//
// sealed_input() does the whole choice: the fuzzer's bytes after the first,
// sealed when the first byte's lowest bit is set (its other bits are the
// target's to use).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/binary_codec.h"

namespace driftd::fuzz {

// REQUIRES: bytes.size() >= 4.
inline void seal_crc32c(std::span<std::byte> bytes) {
  const std::uint32_t checksum = crc32c(bytes.first(bytes.size() - 4));
  for (std::size_t i = 0; i < 4; ++i) {
    bytes[bytes.size() - 4 + i] = static_cast<std::byte>(checksum >> (8 * i));
  }
}

// The input after the fuzzer's first byte, its checksum sealed when that
// byte's lowest bit is set. REQUIRES: size >= 1.
inline std::vector<std::byte> sealed_input(const std::uint8_t* data, std::size_t size) {
  std::vector<std::byte> bytes(size - 1);
  for (std::size_t i = 1; i < size; ++i) bytes[i - 1] = static_cast<std::byte>(data[i]);
  if ((data[0] & 1) != 0 && bytes.size() >= 4) seal_crc32c(bytes);
  return bytes;
}

}  // namespace driftd::fuzz
