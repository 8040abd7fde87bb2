// What the tests of driftd's binary formats in tests/cluster share: bytes
// written number by number, crafted encodings sealed with the bit-by-bit
// CRC-32C of bitwise_crc32c.h (which pass the checksum and make the decoder
// look at their fields), and the check that every damaged copy is refused.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
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

// `decode` refuses (throws InputError) every truncation of `bytes`, every
// copy with one byte removed or one bit flipped, a byte more, and nothing.
template <class Decode>
void check_every_damage_refused(const std::vector<std::byte>& bytes, const Decode& decode) {
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    INFO("first " << size << " bytes");
    CHECK_THROWS_AS(decode(std::span(bytes).first(size)), InputError);
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    INFO("byte " << i << " removed");
    std::vector<std::byte> shorter = bytes;
    shorter.erase(shorter.begin() + static_cast<std::ptrdiff_t>(i));
    CHECK_THROWS_AS(decode(shorter), InputError);
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      INFO("byte " << i << " bit " << bit);
      std::vector<std::byte> flipped = bytes;
      flipped[i] ^= static_cast<std::byte>(1 << bit);
      CHECK_THROWS_AS(decode(flipped), InputError);
    }
  }
  std::vector<std::byte> longer = bytes;
  longer.push_back(std::byte{0});
  CHECK_THROWS_AS(decode(longer), InputError);
  CHECK_THROWS_AS(decode(std::span<const std::byte>()), InputError);
}

}  // namespace driftd::testing
