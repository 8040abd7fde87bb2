// HistogramSnapshot: recording, merging (and refusing to), the binary layout
// of docs/histogram-format.md byte by byte, and hardening against every
// truncation, every bit flip, crafted headers and random bytes.
#include "histogram/histogram_snapshot.h"

#include <catch2/catch.hpp>

#include "support/bitwise_crc32c.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "allocation_counter.h"
#include "common/error.h"
#include "histogram/batch_binner.h"
#include "histogram/category_dictionary.h"
#include "histogram/numeric_binning.h"

namespace driftd {
namespace {

using Catch::Matchers::Contains;
using Bytes = std::vector<std::byte>;

constexpr std::uint64_t kMaxCount = std::numeric_limits<std::uint64_t>::max();

using testing::bitwise_crc32c;

void append_le(Bytes& bytes, std::uint64_t value, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) bytes.push_back(static_cast<std::byte>(value >> (8 * i)));
}

// Rewrites the checksum trailer to match the bytes before it, so a test
// can alter a field and reach the check behind the checksum.
Bytes resealed(Bytes bytes) {
  bytes.resize(bytes.size() - 4);
  append_le(bytes, bitwise_crc32c(bytes), 4);
  return bytes;
}

Bytes with_byte(Bytes bytes, std::size_t offset, std::uint8_t value) {
  bytes[offset] = static_cast<std::byte>(value);
  return bytes;
}

HistogramSnapshot deserialize(const Bytes& bytes) { return HistogramSnapshot::deserialize(bytes); }

const NumericBinning& small_binning() {
  static const NumericBinning binning =
      NumericBinning::explicit_edges(std::vector<double>{0.0, 1.0, 2.0});
  return binning;
}

// A snapshot of values binned the way the hot path does it.
HistogramSnapshot snapshot_of(const NumericBinning& binning, std::span<const double> values) {
  std::vector<std::uint64_t> binned(binning.bin_count() + 1);
  BatchBinner(binning).count(values, binned);
  HistogramSnapshot snapshot(binning.layout());
  snapshot.add_binned(binned);
  return snapshot;
}

HistogramSnapshot sample_snapshot() {
  const std::vector<double> values = {-1.0, 0.5, 0.5, 1.5, 7.0, std::nan("")};
  HistogramSnapshot snapshot = snapshot_of(small_binning(), values);
  snapshot.add_invalid(2);
  return snapshot;
}

TEST_CASE("the reference CRC-32C gives the standard check value", "[histogram_snapshot]") {
  const std::string_view check = "123456789";
  CHECK(bitwise_crc32c(std::as_bytes(std::span(check.data(), check.size()))) == 0xE3069283);
}

TEST_CASE("a snapshot records binned counts, missing and invalid", "[histogram_snapshot]") {
  const HistogramSnapshot snapshot = sample_snapshot();
  CHECK(snapshot.layout() == small_binning().layout());
  CHECK(std::vector<std::uint64_t>(snapshot.counts().begin(), snapshot.counts().end()) ==
        std::vector<std::uint64_t>{1, 2, 1, 1});
  CHECK(snapshot.missing() == 1);
  CHECK(snapshot.invalid() == 2);

  HistogramSnapshot wrong(small_binning().layout());
  const std::vector<std::uint64_t> without_missing_slot(small_binning().bin_count());
  CHECK_THROWS_AS(wrong.add_binned(without_missing_slot), InputError);

  CHECK_THROWS_WITH(HistogramSnapshot(BinLayout{BinKind::numeric, 0, 0}),
                    "a histogram must have between 1 and 65536 bins, got 0");
  CHECK_THROWS_AS(HistogramSnapshot(BinLayout{BinKind::numeric, 0, kMaxLayoutBins + 1}),
                  InputError);
}

TEST_CASE("merging adds counts: partials merge to the whole", "[histogram_snapshot]") {
  std::mt19937_64 rng(17);
  std::normal_distribution<double> normal;
  std::vector<double> values(3000);
  for (double& x : values) x = normal(rng);
  values[10] = std::nan("");
  const NumericBinning binning = NumericBinning::quantile(values, 16);
  const std::span<const double> all(values);

  HistogramSnapshot merged = snapshot_of(binning, all.first(1000));
  HistogramSnapshot second = snapshot_of(binning, all.subspan(1000, 1500));
  second.merge(snapshot_of(binning, all.subspan(2500)));  // grouping does not matter
  merged.merge(second);
  merged.add_invalid(3);
  HistogramSnapshot whole = snapshot_of(binning, all);
  whole.add_invalid(3);
  CHECK(merged == whole);
}

TEST_CASE("snapshots over different bins refuse to merge", "[histogram_snapshot]") {
  HistogramSnapshot snapshot = sample_snapshot();
  const HistogramSnapshot before = snapshot;
  const BinLayout layout = snapshot.layout();

  const NumericBinning other_edges =
      NumericBinning::explicit_edges(std::vector<double>{0.0, 1.0, 2.5});
  const BinLayout categorical{BinKind::categorical, layout.fingerprint, layout.bins};
  const BinLayout more_bins{BinKind::numeric, layout.fingerprint, layout.bins + 1};
  for (const BinLayout& other : {other_edges.layout(), categorical, more_bins}) {
    CHECK_THROWS_WITH(snapshot.merge(HistogramSnapshot(other)),
                      Contains("cannot merge histograms over different bins"));
  }
  CHECK(snapshot == before);
}

TEST_CASE("a merge that would overflow a count changes nothing", "[histogram_snapshot]") {
  const BinLayout layout = small_binning().layout();
  HistogramSnapshot nearly_full(layout);
  nearly_full.add_binned(std::vector<std::uint64_t>{1, 2, 3, kMaxCount, 5});
  const HistogramSnapshot before = nearly_full;

  HistogramSnapshot one_more(layout);
  one_more.add_binned(std::vector<std::uint64_t>{1, 1, 1, 1, 1});
  CHECK_THROWS_WITH(nearly_full.merge(one_more), "histogram count overflow in bin 3");
  CHECK(nearly_full == before);

  nearly_full.add_invalid(kMaxCount);
  CHECK_THROWS_WITH(nearly_full.add_invalid(1), "histogram count overflow in invalid");
}

TEST_CASE("the serialized layout is the documented one", "[histogram_snapshot]") {
  const HistogramSnapshot snapshot = sample_snapshot();
  Bytes expected;
  for (char c : std::string_view("DHST")) expected.push_back(static_cast<std::byte>(c));
  append_le(expected, 1, 1);  // format version
  append_le(expected, 1, 1);  // kind: numeric
  append_le(expected, 0, 2);  // reserved
  append_le(expected, snapshot.layout().fingerprint, 8);
  append_le(expected, 1, 8);  // missing
  append_le(expected, 2, 8);  // invalid
  append_le(expected, 4, 4);  // bin count
  for (std::uint64_t count : {1, 2, 1, 1}) append_le(expected, count, 8);
  append_le(expected, bitwise_crc32c(expected), 4);

  const Bytes serialized = snapshot.serialize();
  CHECK(serialized.size() == 40 + 8 * 4);
  CHECK(serialized == expected);
}

TEST_CASE("snapshots round-trip through bytes", "[histogram_snapshot]") {
  CHECK(deserialize(sample_snapshot().serialize()) == sample_snapshot());

  const std::vector<std::string_view> colours = {"red", "red", "blue"};
  HistogramSnapshot categorical(CategoryDictionary::from_reference(colours, 5).layout());
  categorical.add_binned(std::vector<std::uint64_t>{kMaxCount, 0, 7, 1});
  categorical.add_invalid(kMaxCount);
  CHECK(deserialize(categorical.serialize()) == categorical);

  HistogramSnapshot largest(BinLayout{BinKind::categorical, 42, kMaxLayoutBins});
  std::vector<std::uint64_t> binned(kMaxLayoutBins + 1);
  for (std::size_t bin = 0; bin < binned.size(); ++bin) binned[bin] = bin * bin;
  largest.add_binned(binned);
  CHECK(deserialize(largest.serialize()) == largest);
}

TEST_CASE("every truncation and every extra byte is refused", "[histogram_snapshot]") {
  const Bytes valid = sample_snapshot().serialize();
  for (std::size_t size = 0; size < valid.size(); ++size) {
    INFO("first " << size << " bytes");
    CHECK_THROWS_AS(deserialize(Bytes(valid.begin(), valid.begin() + static_cast<long>(size))),
                    InputError);
  }
  Bytes longer = valid;
  longer.push_back(std::byte{0});
  CHECK_THROWS_AS(deserialize(longer), InputError);
}

TEST_CASE("every single-bit flip is refused", "[histogram_snapshot]") {
  const Bytes valid = sample_snapshot().serialize();
  for (std::size_t offset = 0; offset < valid.size(); ++offset) {
    for (int bit = 0; bit < 8; ++bit) {
      INFO("byte " << offset << ", bit " << bit);
      Bytes flipped = valid;
      flipped[offset] ^= static_cast<std::byte>(1 << bit);
      CHECK_THROWS_AS(deserialize(flipped), InputError);
    }
  }
}

TEST_CASE("crafted headers are refused with a clear message", "[histogram_snapshot]") {
  const Bytes valid = sample_snapshot().serialize();
  CHECK_THROWS_WITH(deserialize(with_byte(valid, 0, 'X')), Contains("not a histogram snapshot"));
  CHECK_THROWS_WITH(deserialize(resealed(with_byte(valid, 4, 2))),
                    "histogram snapshot format version 2 is not supported (this build reads "
                    "version 1)");
  CHECK_THROWS_WITH(deserialize(resealed(with_byte(valid, 5, 3))),
                    "histogram snapshot has unknown bin kind 3");
  CHECK_THROWS_WITH(deserialize(resealed(with_byte(valid, 7, 1))),
                    "histogram snapshot has non-zero reserved bytes");
  CHECK_THROWS_WITH(deserialize(with_byte(valid, valid.size() - 1, 0)),
                    Contains("histogram snapshot is corrupt: checksum"));

  // Bin count 0, and one bin more than any layout has, each with exactly
  // the size and checksum it declares.
  Bytes no_bins(valid.begin(), valid.begin() + 32);
  append_le(no_bins, 0, 4);
  append_le(no_bins, 0, 4);
  CHECK_THROWS_WITH(deserialize(resealed(no_bins)),
                    "a histogram must have between 1 and 65536 bins, got 0");
  Bytes too_many(valid.begin(), valid.begin() + 32);
  append_le(too_many, kMaxLayoutBins + 1, 4);
  too_many.resize(36 + 8 * (kMaxLayoutBins + 1) + 4);
  CHECK_THROWS_WITH(deserialize(resealed(too_many)),
                    "a histogram must have between 1 and 65536 bins, got 65537");
}

TEST_CASE("a huge declared bin count allocates nothing big", "[histogram_snapshot]") {
  const Bytes valid = sample_snapshot().serialize();
  for (const std::uint32_t bins : {65536u, 0xFFFFFFFFu}) {
    Bytes huge(valid.begin(), valid.begin() + 32);
    append_le(huge, bins, 4);
    huge.resize(valid.size());
    const testing::AllocationScope scope;
    CHECK_THROWS_AS(deserialize(resealed(huge)), InputError);
    CHECK(scope.stats().largest < 1024);
  }
}

TEST_CASE("random bytes are refused, never crash", "[histogram_snapshot]") {
  const Bytes valid = sample_snapshot().serialize();
  std::mt19937_64 rng(23);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> size(0, 2 * valid.size());
  for (int trial = 0; trial < 5000; ++trial) {
    Bytes bytes(size(rng));
    for (std::byte& b : bytes) b = static_cast<std::byte>(byte(rng));
    if (trial % 2 == 0) {  // half behind a valid header, to reach the deeper checks
      std::copy_n(valid.begin(), std::min<std::size_t>(bytes.size(), 8), bytes.begin());
    }
    CHECK_THROWS_AS(deserialize(bytes), InputError);
  }
}

}  // namespace
}  // namespace driftd
