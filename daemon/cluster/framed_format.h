// The frame cluster mode's binary formats share (pane partials, owner
// checkpoints, window results; docs/histogram-format.md): 4 magic bytes, a
// format version byte, 3 reserved zero bytes, the format's own fields, then
// the CRC-32C of every byte before it.
//
// open() checks the frame in this order, throwing InputError named after
// the format: the magic; the version (before the checksum, so a reader
// meeting a newer writer says so instead of reporting corruption); the
// format's smallest size; the checksum; zero reserved bytes. It returns a
// reader over the fields between the reserved bytes and the checksum.
//
// valid_utf8() is the check the formats that carry values of JSON events
// (a reference's categories, capture rows' categorical values) share.
//
// Thread safety: an immutable description; pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/binary_codec.h"

namespace driftd::cluster {

struct FramedFormat {
  char magic[4];
  std::uint8_t version;
  std::size_t min_bytes;  // the smallest valid encoding, checksum included
  const char* what;       // "pane partial": named in every message

  static constexpr std::size_t kChecksumBytes = 4;

  // Appends magic, version and the reserved bytes to an empty `out`.
  void begin(std::vector<std::byte>& out) const;
  // Appends the checksum of everything in `out`.
  void end(std::vector<std::byte>& out) const;
  // The reader over the fields of a frame that passes every check.
  LittleEndianReader open(std::span<const std::byte> bytes) const;

  // A name (a stream's, an instance's): its length in one byte, then its
  // bytes. REQUIRES: 1..255 bytes.
  static void append_name(std::vector<std::byte>& out, const std::string& name);
  // The same read back; an empty one is refused.
  std::string read_name(LittleEndianReader& reader, const char* field) const;
};

// Whether `text` is well-formed UTF-8 (Unicode's table 3-7: no overlong
// forms, no surrogates, nothing above U+10FFFF), as the strings of JSON
// events are; FeatureBins::to_json() (the store's form, the API's) throws
// on anything else.
bool valid_utf8(std::string_view text);

}  // namespace driftd::cluster
