// One feature's histogram, mergeable and serialisable.
//
// A HistogramSnapshot holds the counts of one feature over one BinLayout (one
// count per bin) plus how many values were missing (absent, null, NaN: never
// binned) and invalid (present but unusable, such as text in a numeric
// field). Snapshots over the same layout merge by adding counts, so partial
// histograms from shards, workers or driftd instances combine into a
// window's histogram in any order and grouping. Snapshots over different
// layouts refuse to merge.
//
// Serialised form (a SQLite BLOB, a Kafka partial; full description in
// docs/histogram-format.md), all integers unsigned little-endian:
//
//   offset   size  field
//   0        4     magic "DHST"
//   4        1     format version, 1
//   5        1     bin kind: 1 numeric, 2 categorical
//   6        2     reserved, 0
//   8        8     layout fingerprint
//   16       8     missing
//   24       8     invalid
//   32       4     bin count B, 1 <= B <= 65536
//   36       8*B   counts, bin 0 first
//   36+8B    4     CRC-32C (Castagnoli) of bytes [0, 36 + 8B)
//
// Guarantees: merge() and add_binned() change nothing when they throw.
// deserialize() bounds-checks every read, checks the declared size against
// the actual size before allocating (so it never allocates more than the
// input's size) and verifies the checksum before using any count; every
// defect (truncated, corrupt, wrong magic or version, absurd size) throws
// driftd::InputError.
//
// Thread safety: a plain value, not synchronised; one writer at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "histogram/bin_layout.h"

namespace driftd {

class HistogramSnapshot {
 public:
  static constexpr std::uint8_t kFormatVersion = 1;

  // All counts zero. REQUIRES: 1 <= layout.bins <= kMaxLayoutBins.
  explicit HistogramSnapshot(const BinLayout& layout);

  BinLayout layout() const { return BinLayout{kind_, fingerprint_, counts_.size()}; }
  std::span<const std::uint64_t> counts() const { return counts_; }
  std::uint64_t missing() const { return missing_; }
  std::uint64_t invalid() const { return invalid_; }

  // Adds a BatchBinner::count() result: one count per bin, then missing.
  // REQUIRES: binned.size() == layout().bins + 1; no count overflows.
  void add_binned(std::span<const std::uint64_t> binned);
  void add_invalid(std::uint64_t invalid);

  // Adds other's counts into this one.
  // REQUIRES: other.layout() == layout(); no count overflows.
  void merge(const HistogramSnapshot& other);

  std::vector<std::byte> serialize() const;
  static HistogramSnapshot deserialize(std::span<const std::byte> bytes);

  friend bool operator==(const HistogramSnapshot&, const HistogramSnapshot&) = default;

 private:
  // Adds to every count, or (on overflow) throws before changing any.
  void add_counts(std::span<const std::uint64_t> counts, std::uint64_t missing,
                  std::uint64_t invalid);

  BinKind kind_;
  std::uint64_t fingerprint_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t missing_ = 0;
  std::uint64_t invalid_ = 0;
};

}  // namespace driftd
