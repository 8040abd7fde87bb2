#include "histogram/histogram_snapshot.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>

#include "common/binary_codec.h"
#include "common/error.h"

namespace driftd {
namespace {

// The layout of docs/histogram-format.md.
constexpr std::array<std::byte, 4> kMagic = {std::byte{'D'}, std::byte{'H'}, std::byte{'S'},
                                             std::byte{'T'}};
constexpr std::size_t kHeaderSize = 36;  // up to and including the bin count
constexpr std::size_t kChecksumSize = 4;
constexpr std::size_t kFramingSize = kHeaderSize + kChecksumSize;

std::size_t serialized_size(std::size_t bins) { return kHeaderSize + 8 * bins + kChecksumSize; }

std::string hex(std::uint64_t value) {
  char text[19];
  std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(value));
  return text;
}

std::string describe(const BinLayout& layout) {
  return std::string(layout.kind == BinKind::numeric ? "numeric" : "categorical") + " layout " +
         hex(layout.fingerprint) + " with " + std::to_string(layout.bins) + " bins";
}

void check_bin_count(std::uint64_t bins) {
  if (bins < 1 || bins > kMaxLayoutBins) {
    throw InputError("a histogram must have between 1 and " + std::to_string(kMaxLayoutBins) +
                     " bins, got " + std::to_string(bins));
  }
}

bool sum_overflows(std::uint64_t a, std::uint64_t b) {
  return a > std::numeric_limits<std::uint64_t>::max() - b;
}

[[noreturn]] void throw_overflow(const std::string& what) {
  throw InputError("histogram count overflow in " + what);
}

class ByteWriter {
 public:
  explicit ByteWriter(std::size_t size) { bytes_.reserve(size); }

  void put(std::span<const std::byte> bytes) { bytes_.insert(bytes_.end(), bytes.begin(), bytes.end()); }
  template <class Unsigned>
  void put_le(Unsigned value) {
    for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
      bytes_.push_back(static_cast<std::byte>(value >> (8 * i)));
    }
  }
  std::vector<std::byte> take() && { return std::move(bytes_); }
  std::span<const std::byte> written() const { return bytes_; }

 private:
  std::vector<std::byte> bytes_;
};

// Reads little-endian fields in order; never reads past the end.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> bytes) : bytes_(bytes) {}

  std::span<const std::byte> take(std::size_t size) {
    if (size > bytes_.size() - offset_) {
      throw InputError("histogram snapshot truncated: " + std::to_string(size) +
                       " bytes needed at offset " + std::to_string(offset_) + ", " +
                       std::to_string(bytes_.size() - offset_) + " left");
    }
    const auto field = bytes_.subspan(offset_, size);
    offset_ += size;
    return field;
  }
  template <class Unsigned>
  Unsigned take_le() {
    Unsigned value = 0;
    const auto field = take(sizeof(Unsigned));
    for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
      value |= static_cast<Unsigned>(static_cast<Unsigned>(field[i]) << (8 * i));
    }
    return value;
  }

 private:
  std::span<const std::byte> bytes_;
  std::size_t offset_ = 0;
};

}  // namespace

HistogramSnapshot::HistogramSnapshot(const BinLayout& layout)
    : kind_(layout.kind), fingerprint_(layout.fingerprint) {
  check_bin_count(layout.bins);
  counts_.assign(layout.bins, 0);
}

void HistogramSnapshot::add_counts(std::span<const std::uint64_t> counts, std::uint64_t missing,
                                   std::uint64_t invalid) {
  for (std::size_t bin = 0; bin < counts_.size(); ++bin) {
    if (sum_overflows(counts_[bin], counts[bin])) throw_overflow("bin " + std::to_string(bin));
  }
  if (sum_overflows(missing_, missing)) throw_overflow("missing");
  if (sum_overflows(invalid_, invalid)) throw_overflow("invalid");
  for (std::size_t bin = 0; bin < counts_.size(); ++bin) counts_[bin] += counts[bin];
  missing_ += missing;
  invalid_ += invalid;
}

void HistogramSnapshot::add_binned(std::span<const std::uint64_t> binned) {
  if (binned.size() != counts_.size() + 1) {
    throw InputError("binned counts have " + std::to_string(binned.size()) + " slots, " +
                     std::to_string(counts_.size() + 1) + " expected (bins, then missing)");
  }
  add_counts(binned.first(counts_.size()), binned.back(), 0);
}

void HistogramSnapshot::add_invalid(std::uint64_t invalid) {
  if (sum_overflows(invalid_, invalid)) throw_overflow("invalid");
  invalid_ += invalid;
}

void HistogramSnapshot::merge(const HistogramSnapshot& other) {
  if (other.layout() != layout()) {
    throw InputError("cannot merge histograms over different bins: " + describe(layout()) +
                     " vs " + describe(other.layout()));
  }
  add_counts(other.counts_, other.missing_, other.invalid_);
}

std::vector<std::byte> HistogramSnapshot::serialize() const {
  ByteWriter writer(serialized_size(counts_.size()));
  writer.put(kMagic);
  writer.put_le(kFormatVersion);
  writer.put_le(static_cast<std::uint8_t>(kind_));
  writer.put_le(std::uint16_t{0});  // reserved
  writer.put_le(fingerprint_);
  writer.put_le(missing_);
  writer.put_le(invalid_);
  writer.put_le(static_cast<std::uint32_t>(counts_.size()));
  for (std::uint64_t count : counts_) writer.put_le(count);
  writer.put_le(crc32c(writer.written()));
  return std::move(writer).take();
}

HistogramSnapshot HistogramSnapshot::deserialize(std::span<const std::byte> bytes) {
  if (bytes.size() < kFramingSize) {
    throw InputError("histogram snapshot truncated: " + std::to_string(bytes.size()) +
                     " bytes, fewer than its " + std::to_string(kFramingSize) +
                     "-byte header and checksum");
  }
  ByteReader reader(bytes);
  const auto magic = reader.take(kMagic.size());
  if (!std::equal(magic.begin(), magic.end(), kMagic.begin())) {
    throw InputError("not a histogram snapshot (magic is not \"DHST\")");
  }
  const auto version = reader.take_le<std::uint8_t>();
  if (version != kFormatVersion) {
    throw InputError("histogram snapshot format version " + std::to_string(version) +
                     " is not supported (this build reads version " +
                     std::to_string(kFormatVersion) + ")");
  }
  const auto kind = reader.take_le<std::uint8_t>();
  const auto reserved = reader.take_le<std::uint16_t>();
  const auto fingerprint = reader.take_le<std::uint64_t>();
  const auto missing = reader.take_le<std::uint64_t>();
  const auto invalid = reader.take_le<std::uint64_t>();
  const auto bins = reader.take_le<std::uint32_t>();
  check_bin_count(bins);
  if (bytes.size() != serialized_size(bins)) {
    throw InputError("histogram snapshot has " + std::to_string(bytes.size()) + " bytes, " +
                     std::to_string(serialized_size(bins)) + " expected for " +
                     std::to_string(bins) + " bins");
  }
  const std::uint32_t computed = crc32c(bytes.first(bytes.size() - kChecksumSize));
  ByteReader trailer(bytes.last(kChecksumSize));
  const auto stored = trailer.take_le<std::uint32_t>();
  if (stored != computed) {
    throw InputError("histogram snapshot is corrupt: checksum " + hex(stored) + " stored, " +
                     hex(computed) + " computed");
  }
  if (kind != static_cast<std::uint8_t>(BinKind::numeric) &&
      kind != static_cast<std::uint8_t>(BinKind::categorical)) {
    throw InputError("histogram snapshot has unknown bin kind " + std::to_string(kind));
  }
  if (reserved != 0) throw InputError("histogram snapshot has non-zero reserved bytes");

  HistogramSnapshot snapshot(BinLayout{static_cast<BinKind>(kind), fingerprint, bins});
  for (std::uint64_t& count : snapshot.counts_) count = reader.take_le<std::uint64_t>();
  snapshot.missing_ = missing;
  snapshot.invalid_ = invalid;
  return snapshot;
}

}  // namespace driftd
