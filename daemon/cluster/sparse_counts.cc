#include "cluster/sparse_counts.h"

#include "common/error.h"

namespace driftd::cluster {

void append_varint(std::vector<std::byte>& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::byte>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::byte>(value));
}

std::uint64_t read_varint(LittleEndianReader& reader, const char* field) {
  const std::string what = reader.what();
  std::uint64_t value = 0;
  for (int i = 0; i < 10; ++i) {
    const auto byte = reader.get<std::uint8_t>(field);
    if (i == 9 && (byte & 0x80) != 0) {
      throw InputError(what + " has a varint longer than 10 bytes at " + field);
    }
    if (i == 9 && byte > 1) throw InputError(what + " has a varint above 2^64 - 1 at " + field);
    value |= static_cast<std::uint64_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) {
      if (i > 0 && byte == 0) throw InputError(what + " has an overlong varint at " + field);
      return value;
    }
  }
  return value;  // not reached: the tenth byte returns or throws
}

void append_sparse_counts(std::vector<std::byte>& out, std::span<const std::uint64_t> counts) {
  std::uint64_t runs = 0;
  bool in_literals = false;
  for (std::uint64_t count : counts) {
    if (count != 0 && !in_literals) ++runs;
    in_literals = count != 0;
  }
  append_varint(out, runs);
  std::size_t i = 0;
  const std::size_t n = counts.size();
  while (true) {
    const std::size_t zeros_start = i;
    while (i < n && counts[i] == 0) ++i;
    if (i == n) break;
    const std::size_t literals_start = i;
    while (i < n && counts[i] != 0) ++i;
    append_varint(out, literals_start - zeros_start);
    append_varint(out, i - literals_start);
    for (std::size_t k = literals_start; k < i; ++k) append_varint(out, counts[k]);
  }
}

void read_sparse_counts(LittleEndianReader& reader, std::span<std::uint64_t> block,
                        const std::string& which, ZeroBlock zero_block) {
  const std::string prefix = std::string(reader.what()) + " " + which;
  const std::uint64_t counters = block.size();
  const std::uint64_t runs = read_varint(reader, "run count");
  if (runs == 0 && zero_block == ZeroBlock::refused) throw InputError(prefix + " is all zeros");
  // The first run covers at least one word, every later one at least two.
  if (runs > (counters + 1) / 2) {
    throw InputError(prefix + " has more runs than its " + std::to_string(counters) +
                     " counters can hold");
  }
  std::uint64_t position = 0;
  for (std::uint64_t run = 0; run < runs; ++run) {
    const std::uint64_t zeros = read_varint(reader, "zero run");
    if (zeros == 0 && run > 0) throw InputError(prefix + " has an empty zero run after its first run");
    if (zeros > counters - position) throw InputError(prefix + " has runs beyond its counters");
    position += zeros;
    const std::uint64_t literals = read_varint(reader, "literal count");
    if (literals == 0) throw InputError(prefix + " has a run without literals");
    if (literals > counters - position) throw InputError(prefix + " has runs beyond its counters");
    for (std::uint64_t k = 0; k < literals; ++k) {
      const std::uint64_t count = read_varint(reader, "literal");
      if (count == 0) throw InputError(prefix + " has a zero literal");
      block[position++] = count;
    }
  }
}

}  // namespace driftd::cluster
