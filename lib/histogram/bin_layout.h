// What identifies a set of bins.
//
// A BinLayout names the bins a histogram counts into: their kind (numeric
// edges or a category dictionary), how many there are, and a 64-bit
// fingerprint of their exact definition (every edge, every category and its
// position). Histograms may be merged or compared only when their layouts are
// equal; NumericBinning and CategoryDictionary each report theirs.
//
// Guarantees: the fingerprint is FNV-1a (64-bit) over a canonical
// little-endian encoding (kind byte, item count, then each edge's IEEE-754
// bits or each category's length and bytes), so it is identical on every
// platform and build and may be stored (SQLite BLOBs, Kafka partials). It
// identifies layouts; it is not a defence against deliberately crafted
// collisions.
//
// Thread safety: BinLayout is a plain value. A LayoutFingerprint is a builder
// owned by one thread while it is fed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace driftd {

// The largest number of bins any layout may have (4096 numeric bins, or
// 65535 categories plus __other__). Deserialisation rejects larger counts.
inline constexpr std::size_t kMaxLayoutBins = 65536;

// Stored in serialized snapshots: never renumber.
enum class BinKind : std::uint8_t { numeric = 1, categorical = 2 };

struct BinLayout {
  BinKind kind = BinKind::numeric;
  std::uint64_t fingerprint = 0;
  std::size_t bins = 0;

  friend bool operator==(const BinLayout&, const BinLayout&) = default;
};

// Accumulates the canonical encoding of a layout, item by item.
class LayoutFingerprint {
 public:
  explicit LayoutFingerprint(BinKind kind);

  void add(std::uint64_t value);
  // Hashes the IEEE-754 bits: the caller normalises -0.0 first if +0.0 and
  // -0.0 must fingerprint alike.
  void add(double value);
  // Length first, so ("ab", "c") and ("a", "bc") differ.
  void add(std::string_view text);

  std::uint64_t value() const { return hash_; }

 private:
  void add_byte(std::uint8_t byte);

  std::uint64_t hash_;
};

}  // namespace driftd
