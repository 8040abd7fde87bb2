// CRC-32C written out bit by bit from its definition (reflected polynomial
// 0x82F63B78, initial and final value 0xFFFFFFFF): an oracle independent of
// the table-driven one the library uses (common/binary_codec.h), for the
// tests of the binary formats that end in one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace driftd::testing {

inline std::uint32_t bitwise_crc32c(std::span<const std::byte> bytes) {
  std::uint32_t crc = 0xFFFFFFFF;
  for (std::byte byte : bytes) {
    crc ^= std::to_integer<std::uint32_t>(byte);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
  }
  return ~crc;
}

}  // namespace driftd::testing
