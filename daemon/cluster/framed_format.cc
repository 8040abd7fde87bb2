#include "cluster/framed_format.h"

#include <cstring>
#include <string>

#include "common/error.h"

namespace driftd::cluster {

void FramedFormat::begin(std::vector<std::byte>& out) const {
  for (char c : magic) out.push_back(static_cast<std::byte>(c));
  append_le<std::uint8_t>(out, version);
  append_le<std::uint8_t>(out, 0);
  append_le<std::uint16_t>(out, 0);
}

void FramedFormat::end(std::vector<std::byte>& out) const {
  append_le<std::uint32_t>(out, crc32c(out));
}

LittleEndianReader FramedFormat::open(std::span<const std::byte> bytes) const {
  const std::string name(what);
  if (bytes.size() < 4 || std::memcmp(bytes.data(), magic, 4) != 0) {
    throw InputError("not a " + name + " (bad magic)");
  }
  if (bytes.size() < 5) throw InputError(name + " is truncated at version");
  const auto found = static_cast<std::uint8_t>(bytes[4]);
  if (found != version) {
    throw InputError(name + " has unknown format version " + std::to_string(found));
  }
  if (bytes.size() < min_bytes) {
    throw InputError(name + " is truncated (" + std::to_string(bytes.size()) +
                     " bytes, at least " + std::to_string(min_bytes) + ")");
  }
  const std::span<const std::byte> body = bytes.first(bytes.size() - kChecksumBytes);
  LittleEndianReader trailer(bytes.last(kChecksumBytes), what);
  if (trailer.get<std::uint32_t>("checksum") != crc32c(body)) {
    throw InputError(name + " is corrupt (CRC mismatch)");
  }
  LittleEndianReader reader(body.subspan(5), what);
  if (reader.get<std::uint8_t>("reserved") != 0 || reader.get<std::uint16_t>("reserved") != 0) {
    throw InputError(name + " has non-zero reserved bytes");
  }
  return reader;
}

void FramedFormat::append_name(std::vector<std::byte>& out, const std::string& name) {
  append_le<std::uint8_t>(out, static_cast<std::uint8_t>(name.size()));
  for (char c : name) out.push_back(static_cast<std::byte>(c));
}

std::string FramedFormat::read_name(LittleEndianReader& reader, const char* field) const {
  const auto length = reader.get<std::uint8_t>(field);
  if (length == 0) throw InputError(std::string(what) + " has an empty " + field);
  const std::span<const std::byte> raw = reader.take(length, field);
  return std::string(reinterpret_cast<const char*>(raw.data()), raw.size());
}

bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;   // the second byte's range
    unsigned char high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead == 0xe0) low = 0xa0;   // overlong
      if (lead == 0xed) high = 0x9f;  // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead == 0xf0) low = 0x90;   // overlong
      if (lead == 0xf4) high = 0x8f;  // above U+10FFFF
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    const auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < low || second > high) return false;
    for (std::size_t k = 2; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < 0x80 || next > 0xbf) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace driftd::cluster
