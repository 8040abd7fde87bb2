// What the tests of driftd's binary formats in tests/cluster share: bytes
// written number by number, and crafted encodings sealed with the
// bit-by-bit CRC-32C of bitwise_crc32c.h, which pass the checksum and make
// the decoder look at their fields.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "support/bitwise_crc32c.h"

namespace driftd::testing {

inline std::vector<std::byte> to_bytes(const std::vector<std::uint8_t>& values) {
  std::vector<std::byte> out;
  for (std::uint8_t value : values) out.push_back(static_cast<std::byte>(value));
  return out;
}

// The low `size` bytes of `value`, little-endian.
inline void append(std::vector<std::byte>& out, std::uint64_t value, int size) {
  for (int i = 0; i < size; ++i) out.push_back(static_cast<std::byte>(value >> (8 * i)));
}

// `body` followed by its CRC-32C.
inline std::vector<std::byte> sealed(std::vector<std::byte> body) {
  append(body, bitwise_crc32c(body), 4);
  return body;
}

}  // namespace driftd::testing
