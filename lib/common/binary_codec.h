// What driftd's binary formats share (window checkpoints, histogram
// snapshots, pane partials): the CRC-32C they end with and their
// little-endian integers, written onto a byte vector and read back with
// every read bounds-checked.
//
// CRC-32C is the Castagnoli CRC (polynomial 0x1EDC6F41, reflected, initial
// value and final XOR 0xFFFFFFFF), as in iSCSI, ext4 and Kafka record
// batches; docs/histogram-format.md, "Checksum".
//
// Thread safety: pure functions; a LittleEndianReader is owned by one
// thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "common/error.h"

namespace driftd {

std::uint32_t crc32c(std::span<const std::byte> bytes);

// Appends `value` in sizeof(T) little-endian bytes, whatever the host; a
// signed value as its two's complement.
template <class T>
void append_le(std::vector<std::byte>& out, T value) {
  static_assert(std::is_integral_v<T>);
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out.push_back(static_cast<std::byte>(static_cast<std::uint64_t>(value) >> (8 * i)));
  }
}

// Reads fields in order from a span it never reads past: a read beyond the
// end throws InputError("<what> is truncated at <field>").
class LittleEndianReader {
 public:
  // `what` names the format in messages ("window checkpoint"); it must
  // outlive the reader.
  LittleEndianReader(std::span<const std::byte> bytes, const char* what)
      : bytes_(bytes), what_(what) {}

  template <class T>
  T get(const char* field) {
    static_assert(std::is_integral_v<T>);
    const std::span<const std::byte> raw = take(sizeof(T), field);
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      value |= static_cast<std::uint64_t>(raw[i]) << (8 * i);
    }
    return static_cast<T>(value);
  }

  // The next `size` bytes.
  std::span<const std::byte> take(std::size_t size, const char* field) {
    if (size > remaining()) throw InputError(std::string(what_) + " is truncated at " + field);
    const std::span<const std::byte> raw = bytes_.subspan(offset_, size);
    offset_ += size;
    return raw;
  }

  std::size_t remaining() const { return bytes_.size() - offset_; }
  std::size_t offset() const { return offset_; }
  // The format's name, for messages of the reads built on this one.
  const char* what() const { return what_; }

 private:
  std::span<const std::byte> bytes_;
  const char* what_;
  std::size_t offset_ = 0;
};

}  // namespace driftd
