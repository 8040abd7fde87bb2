// The owner's checkpoint in cluster mode, as bytes: the documented example,
// round trips of random checkpoints, and refusals of truncated, corrupt,
// crafted and non-canonical encodings (merge_checkpoint.h).
#include "cluster/merge_checkpoint.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "support/format_bytes.h"

namespace driftd::cluster {
namespace {

using testing::append;
using testing::bitwise_crc32c;
using testing::check_every_damage_refused;
using testing::sealed;
using testing::to_bytes;

constexpr std::uint64_t kAllOnes = std::numeric_limits<std::uint64_t>::max();

// The checkpoint of docs/histogram-format.md's example.
MergeCheckpoint documented_checkpoint() {
  MergeCheckpoint checkpoint;
  checkpoint.reference_version = 3;
  checkpoint.layout_fingerprint = 0xfeed;
  checkpoint.counters = 3;
  checkpoint.next_partials_offset = 42;
  checkpoint.totals.partials = 5;
  checkpoint.totals.late_events = 1;
  checkpoint.totals.events_seen = 17;
  checkpoint.windows.first_pane = 10;
  checkpoint.windows.first_open_pane = 10;
  checkpoint.windows.counts = {2, 0, 2, 0, 0, 0, 0, 0, 0};
  checkpoint.waiting = {{13, {1, 1, 0}}};
  checkpoint.partition_count = 2;
  checkpoint.source = {{0, 7, 1050, false}, {1, 3, 1310, true}};
  return checkpoint;
}

// Its bytes, field by field as the format's tables describe them.
const std::vector<std::uint8_t> kDocumentedBytes = {
    0x44, 0x4d, 0x43, 0x4b,                          // magic "DMCK"
    0x01,                                            // version 1
    0x00, 0x00, 0x00,                                // reserved
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // reference version 3
    0xed, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // layout fingerprint 0xfeed
    0x03, 0x00, 0x00, 0x00,                          // counters 3
    0x02, 0x00, 0x00, 0x00,                          // 2 partitions
    0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // next partials offset 42
    0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // partials 5
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // rejected reference 0
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // rejected layout 0
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // stale progress 0
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // late events 1
    0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // events seen 17
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // malformed 0
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // invalid event time 0
    0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // first pane 10
    0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // first open pane 10
    0x03, 0x00, 0x00, 0x00,                          // 3 pane blocks
    0x02,                                            //   pane 10: 2 runs
    0x00, 0x01, 0x02,                                //     0 zeros, 1 literal: 2
    0x01, 0x01, 0x02,                                //     1 zero, 1 literal: 2
    0x00,                                            //   pane 11: no run (zeros)
    0x00,                                            //   pane 12: no run (zeros)
    0x01, 0x00, 0x00, 0x00,                          // 1 waiting piece
    0x0d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   pane 13
    0x01,                                            //   1 run
    0x00, 0x02, 0x01, 0x01,                          //     0 zeros, 2 literals: 1, 1
    0x02, 0x00, 0x00, 0x00,                          // 2 partition entries
    0x00, 0x00, 0x00, 0x00,                          //   partition 0
    0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   next offset 7
    0x1a, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   latest time 1050
    0x00,                                            //   flags: not behind
    0x01, 0x00, 0x00, 0x00,                          //   partition 1
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   next offset 3
    0x1e, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   latest time 1310
    0x01,                                            //   flags: behind
    0x13, 0x18, 0xed, 0xce,                          // CRC-32C 0xceed1813
};

TEST_CASE("A merge checkpoint encodes to the bytes docs/histogram-format.md shows") {
  const std::vector<std::byte> expected = to_bytes(kDocumentedBytes);
  const std::vector<std::byte> encoded = encode_merge_checkpoint(documented_checkpoint());
  REQUIRE(encoded.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("byte " << i);
    CHECK(encoded[i] == expected[i]);
  }
  CHECK(bitwise_crc32c(std::span(expected).first(expected.size() - 4)) == 0xceed1813u);
  CHECK(decode_merge_checkpoint(expected) == documented_checkpoint());
}

// Random valid checkpoints: panes and times at the ends of their ranges,
// blocks of zeros, sparse and dense, counts at the extremes of uint64.
class CheckpointGenerator {
 public:
  explicit CheckpointGenerator(std::uint64_t seed) : random_(seed) {}

  MergeCheckpoint next() {
    MergeCheckpoint checkpoint;
    checkpoint.reference_version = static_cast<std::int64_t>(
        pick({0, 1, static_cast<std::uint64_t>(std::int64_t{-1}), 1ULL << 63, random_()}));
    checkpoint.layout_fingerprint = random_();
    static constexpr std::array<std::uint32_t, 7> kCounters = {1, 2, 3, 7, 64, 129, 1000};
    const std::uint32_t counters = kCounters[below(kCounters.size())];
    checkpoint.counters = counters;
    checkpoint.next_partials_offset = static_cast<std::int64_t>(
        pick({0, 1, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()),
              random_() >> 1}));
    MergeTotals& totals = checkpoint.totals;
    for (std::uint64_t* total :
         {&totals.partials, &totals.rejected_reference, &totals.rejected_layout,
          &totals.stale_progress, &totals.late_events, &totals.events_seen, &totals.malformed,
          &totals.invalid_event_time}) {
      *total = pick({0, 1, kAllOnes, random_()});
    }

    const auto closed = static_cast<PaneId>(below(3) == 0 ? 0 : below(6));
    const std::size_t open = 1 + below(6);
    switch (below(3)) {
      case 0: checkpoint.windows.first_pane = kMinTimestampMs; break;
      case 1: checkpoint.windows.first_pane = kMaxTimestampMs - closed; break;
      default: checkpoint.windows.first_pane = 17000000 + static_cast<PaneId>(below(100));
    }
    checkpoint.windows.first_open_pane = checkpoint.windows.first_pane + closed;
    for (std::size_t block = 0; block < static_cast<std::size_t>(closed) + open; ++block) {
      const std::vector<std::uint64_t> counts = block_of(counters, below(3) == 0);
      checkpoint.windows.counts.insert(checkpoint.windows.counts.end(), counts.begin(),
                                       counts.end());
    }

    const std::size_t pieces = below(3) == 0 ? 0 : 1 + below(4);
    std::vector<PaneId> panes;
    while (panes.size() < pieces) {
      const PaneId pane = below(4) == 0 ? time() : 17000100 + static_cast<PaneId>(below(8));
      if (std::find(panes.begin(), panes.end(), pane) == panes.end()) panes.push_back(pane);
    }
    std::sort(panes.begin(), panes.end());
    for (PaneId pane : panes) checkpoint.waiting.push_back({pane, block_of(counters, false)});

    checkpoint.partition_count = static_cast<std::int32_t>(
        pick({0, 1, 6, static_cast<std::uint64_t>(kMaxCheckpointPartitions)}));
    for (std::int32_t partition = 0; partition < checkpoint.partition_count; ++partition) {
      if (below(3) == 0 || checkpoint.source.size() >= 8) continue;
      checkpoint.source.push_back(
          {partition,
           static_cast<std::int64_t>(
               pick({0, 1, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()),
                     random_() >> 1})),
           below(3) == 0 ? kMinTimestampMs : time(), below(2) == 0});
    }
    return checkpoint;
  }

 private:
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(random_() % n); }
  std::uint64_t pick(std::initializer_list<std::uint64_t> choices) {
    return choices.begin()[below(choices.size())];
  }
  std::int64_t time() {
    switch (below(4)) {
      case 0: return kMinTimestampMs;
      case 1: return kMaxTimestampMs;
      case 2: return 1700000000000 + static_cast<std::int64_t>(below(1000000));
      default: return kMinTimestampMs + static_cast<std::int64_t>(random_() >> 1);
    }
  }
  std::uint64_t value() {
    switch (below(5)) {
      case 0: return kAllOnes;
      case 1: return static_cast<std::uint64_t>(-static_cast<std::int64_t>(below(1000) + 1));
      case 2: return random_();
      default: return 1 + below(300);
    }
  }
  // `zeros_allowed`: a block of zeros is as likely as any other density.
  std::vector<std::uint64_t> block_of(std::uint32_t counters, bool zeros_allowed) {
    static constexpr std::array<double, 4> kDensity = {0.01, 0.1, 0.5, 1.0};
    std::vector<std::uint64_t> out(counters, 0);
    if (zeros_allowed) return out;
    std::bernoulli_distribution nonzero(kDensity[below(kDensity.size())]);
    for (std::uint64_t& count : out) {
      if (nonzero(random_)) count = value();
    }
    if (std::all_of(out.begin(), out.end(), [](std::uint64_t c) { return c == 0; })) {
      out[below(counters)] = value();
    }
    return out;
  }

  std::mt19937_64 random_;
};

TEST_CASE("Random merge checkpoints survive encoding, and their bytes re-encode to themselves") {
  CheckpointGenerator generator(20260605);
  for (int i = 0; i < 400; ++i) {
    const MergeCheckpoint checkpoint = generator.next();
    const std::vector<std::byte> bytes = encode_merge_checkpoint(checkpoint);
    const MergeCheckpoint decoded = decode_merge_checkpoint(bytes);
    REQUIRE(decoded == checkpoint);
    REQUIRE(encode_merge_checkpoint(decoded) == bytes);
  }
}

TEST_CASE("Merge checkpoints at their bounds survive encoding") {
  MergeCheckpoint checkpoint = documented_checkpoint();
  SECTION("the most pane blocks, the widest gap between first and first open pane") {
    checkpoint.counters = 1;
    checkpoint.windows.first_pane = kMaxTimestampMs - kMaxCheckpointPanes + 1;
    checkpoint.windows.first_open_pane = checkpoint.windows.first_pane + kMaxPanesPerWindow - 1;
    checkpoint.windows.counts.assign(static_cast<std::size_t>(kMaxCheckpointPanes), 0);
    checkpoint.windows.counts.back() = kAllOnes;
    checkpoint.waiting = {{kMinTimestampMs, {1}}, {kMaxTimestampMs, {kAllOnes}}};
  }
  SECTION("the most counters") {
    checkpoint.counters = kMaxPartialCounters;
    checkpoint.windows.counts.assign(kMaxPartialCounters, 0);
    checkpoint.windows.counts.back() = 1;
    checkpoint.waiting.clear();
  }
  SECTION("the most partitions") {
    checkpoint.partition_count = kMaxCheckpointPartitions;
    checkpoint.source.clear();
    for (std::int32_t p = 0; p < kMaxCheckpointPartitions; p += 7) {
      checkpoint.source.push_back({p, p, kMaxTimestampMs - p, p % 2 == 0});
    }
  }
  SECTION("nothing heard from, nothing waiting, no counts") {
    checkpoint.partition_count = 0;
    checkpoint.source.clear();
    checkpoint.waiting.clear();
    std::fill(checkpoint.windows.counts.begin(), checkpoint.windows.counts.end(), 0);
  }
  const std::vector<std::byte> bytes = encode_merge_checkpoint(checkpoint);
  CHECK(decode_merge_checkpoint(bytes) == checkpoint);
  CHECK(encode_merge_checkpoint(decode_merge_checkpoint(bytes)) == bytes);
}

TEST_CASE("Every truncation, deletion and bit flip of a merge checkpoint is refused") {
  check_every_damage_refused(to_bytes(kDocumentedBytes), [](std::span<const std::byte> bytes) {
    return decode_merge_checkpoint(bytes);
  });
}

// A merge checkpoint written field by field, any field as the test wants
// it, sealed with a valid CRC: what a buggy owner or a damaged state topic
// could hand the next owner.
struct Crafted {
  std::uint8_t version = 1;
  std::array<std::uint8_t, 3> reserved{};
  std::uint32_t counters = 3;
  std::uint32_t partition_count = 2;
  std::int64_t next_partials_offset = 0;
  std::int64_t first_pane = 10;
  std::int64_t first_open_pane = 10;
  std::uint32_t block_count = 0;
  std::vector<std::byte> blocks;
  std::uint32_t piece_count = 0;
  std::vector<std::byte> pieces;
  std::uint32_t entry_count = 0;
  std::vector<std::byte> entries;
  std::vector<std::byte> trailing;

  // `runs`: a block's raw bytes, run count first.
  void add_block(const std::vector<std::uint8_t>& runs) {
    ++block_count;
    for (std::uint8_t byte : runs) blocks.push_back(static_cast<std::byte>(byte));
  }
  void add_piece(std::int64_t pane, const std::vector<std::uint8_t>& runs) {
    ++piece_count;
    append(pieces, static_cast<std::uint64_t>(pane), 8);
    for (std::uint8_t byte : runs) pieces.push_back(static_cast<std::byte>(byte));
  }
  void add_entry(std::int64_t partition, std::int64_t next_offset, std::int64_t latest,
                 std::uint8_t flags) {
    ++entry_count;
    append(entries, static_cast<std::uint64_t>(partition), 4);
    append(entries, static_cast<std::uint64_t>(next_offset), 8);
    append(entries, static_cast<std::uint64_t>(latest), 8);
    append(entries, flags, 1);
  }

  std::vector<std::byte> bytes() const {
    std::vector<std::byte> out = to_bytes({'D', 'M', 'C', 'K', version});
    for (std::uint8_t byte : reserved) append(out, byte, 1);
    append(out, 3, 8);       // reference version
    append(out, 0xfeed, 8);  // layout fingerprint
    append(out, counters, 4);
    append(out, partition_count, 4);
    append(out, static_cast<std::uint64_t>(next_partials_offset), 8);
    for (int total = 0; total < 8; ++total) append(out, 0, 8);
    append(out, static_cast<std::uint64_t>(first_pane), 8);
    append(out, static_cast<std::uint64_t>(first_open_pane), 8);
    append(out, block_count, 4);
    out.insert(out.end(), blocks.begin(), blocks.end());
    append(out, piece_count, 4);
    out.insert(out.end(), pieces.begin(), pieces.end());
    append(out, entry_count, 4);
    out.insert(out.end(), entries.begin(), entries.end());
    out.insert(out.end(), trailing.begin(), trailing.end());
    return sealed(std::move(out));
  }
};

// A crafted checkpoint that is valid: the control for the refusals below.
Crafted valid_crafted() {
  Crafted crafted;
  crafted.add_block({0x02, 0x00, 0x01, 0x02, 0x01, 0x01, 0x02});  // 2 0 2
  crafted.add_block({0x00});                                      // 0 0 0
  crafted.add_piece(13, {0x01, 0x00, 0x02, 0x01, 0x01});          // 1 1 0
  crafted.add_entry(0, 7, 1050, 0);
  crafted.add_entry(1, 3, kMinTimestampMs, 1);
  return crafted;
}

void check_refused(const Crafted& crafted, const std::string& message) {
  CHECK_THROWS_WITH(decode_merge_checkpoint(crafted.bytes()), Catch::Contains(message));
}

TEST_CASE("A crafted merge checkpoint with a valid checksum decodes as the format says") {
  const MergeCheckpoint decoded = decode_merge_checkpoint(valid_crafted().bytes());
  CHECK(decoded.counters == 3);
  CHECK(decoded.windows.first_pane == 10);
  CHECK(decoded.windows.first_open_pane == 10);
  CHECK(decoded.windows.counts == std::vector<std::uint64_t>{2, 0, 2, 0, 0, 0});
  CHECK(decoded.waiting == std::vector<PanePiece>{{13, {1, 1, 0}}});
  CHECK(decoded.partition_count == 2);
  CHECK(decoded.source == std::vector<SourceProgress::Entry>{{0, 7, 1050, false},
                                                             {1, 3, kMinTimestampMs, true}});
  CHECK(encode_merge_checkpoint(decoded) == valid_crafted().bytes());
}

TEST_CASE("Merge checkpoint headers out of the format are refused, checksum or not") {
  Crafted crafted = valid_crafted();
  SECTION("bad magic") {
    std::vector<std::byte> bytes = crafted.bytes();
    bytes[1] = std::byte{'P'};
    CHECK_THROWS_WITH(decode_merge_checkpoint(bytes), Catch::Contains("bad magic"));
  }
  SECTION("another version, before the checksum is looked at") {
    crafted.version = 2;
    std::vector<std::byte> bytes = crafted.bytes();
    bytes.back() ^= std::byte{1};
    CHECK_THROWS_WITH(decode_merge_checkpoint(bytes), Catch::Contains("unknown format version 2"));
  }
  SECTION("a wrong checksum") {
    std::vector<std::byte> bytes = crafted.bytes();
    bytes.back() ^= std::byte{0x80};
    CHECK_THROWS_WITH(decode_merge_checkpoint(bytes), Catch::Contains("CRC mismatch"));
  }
  SECTION("a short checkpoint") {
    CHECK_THROWS_WITH(decode_merge_checkpoint(to_bytes({'D', 'M', 'C', 'K', 1, 0, 0, 0})),
                      Catch::Contains("truncated"));
  }
  for (std::size_t i = 0; i < 3; ++i) {
    SECTION("reserved byte " + std::to_string(i)) {
      crafted.reserved[i] = 0x01;
      check_refused(crafted, "non-zero reserved bytes");
    }
  }
  SECTION("no counters") {
    crafted.counters = 0;
    check_refused(crafted, "counters must be 1 to 16777216, got 0");
  }
  SECTION("too many counters") {
    crafted.counters = kMaxPartialCounters + 1;
    check_refused(crafted, "counters must be 1 to 16777216, got 16777217");
  }
  SECTION("too many partitions") {
    crafted.partition_count = static_cast<std::uint32_t>(kMaxCheckpointPartitions) + 1;
    check_refused(crafted, "100001 partitions, more than 100000");
  }
  SECTION("a negative next partials offset") {
    crafted.next_partials_offset = -1;
    check_refused(crafted, "negative next partials offset");
  }
  SECTION("a first pane below the panes of the timestamps") {
    crafted.first_pane = kMinTimestampMs - 1;
    check_refused(crafted, "outside the panes of the timestamps");
  }
  SECTION("a first open pane above the panes of the timestamps") {
    crafted.first_open_pane = kMaxTimestampMs + 1;
    check_refused(crafted, "outside the panes of the timestamps");
  }
  SECTION("a first open pane before the first pane") {
    crafted.first_pane = 11;
    check_refused(crafted, "first open pane 10 is not within 4095 panes after first pane 11");
  }
  SECTION("a window of more panes than a window may have") {
    crafted.first_pane = 10 - kMaxPanesPerWindow;
    check_refused(crafted, "is not within 4095 panes");
  }
}

TEST_CASE("Merge checkpoint pane blocks out of the format are refused") {
  Crafted crafted = valid_crafted();
  crafted.blocks.clear();
  crafted.block_count = 0;
  SECTION("none") { check_refused(crafted, "0 pane blocks for 0 closed panes: no open pane"); }
  SECTION("no open pane") {
    crafted.first_pane = 8;
    crafted.add_block({0x00});
    crafted.add_block({0x00});
    check_refused(crafted, "2 pane blocks for 2 closed panes: no open pane");
  }
  SECTION("more than the assembler keeps") {
    crafted.block_count = static_cast<std::uint32_t>(kMaxCheckpointPanes) + 1;
    check_refused(crafted, "8192 pane blocks, more than 8191");
  }
  SECTION("more counts than a checkpoint may hold, before any is allocated") {
    crafted.counters = kMaxPartialCounters;
    crafted.block_count = 9;
    check_refused(crafted, "9 pane blocks of 16777216 counters, more than 134217728 counts");
  }
  SECTION("more than the bytes hold") {
    crafted.block_count = 4000;
    check_refused(crafted, "truncated at pane blocks");
  }
  SECTION("an overlong varint") {
    crafted.add_block({0x01, 0x80, 0x00, 0x01, 0x01});
    check_refused(crafted, "overlong varint at zero run");
  }
  SECTION("a zero literal") {
    crafted.add_block({0x01, 0x00, 0x02, 0x01, 0x00});
    check_refused(crafted, "merge checkpoint pane 10 has a zero literal");
  }
  SECTION("runs beyond the counters") {
    crafted.add_block({0x01, 0x03, 0x01, 0x01});
    check_refused(crafted, "pane 10 has runs beyond its counters");
  }
  SECTION("more runs than the counters can hold") {
    crafted.add_block({0x03, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01});
    check_refused(crafted, "more runs than its 3 counters");
  }
  SECTION("a block cut short") {
    crafted.add_block({0x00});
    crafted.block_count = 2;
    crafted.piece_count = 0;
    crafted.entry_count = 0;
    crafted.pieces.clear();
    crafted.entries.clear();
    // The block count's second block reads the piece count's first byte.
    check_refused(crafted, "truncated");
  }
}

TEST_CASE("Merge checkpoint waiting pieces out of the format are refused") {
  Crafted crafted = valid_crafted();
  crafted.pieces.clear();
  crafted.piece_count = 0;
  SECTION("more counts than a checkpoint may hold, before any is allocated") {
    crafted.counters = kMaxPartialCounters;
    crafted.blocks.clear();
    crafted.block_count = 0;
    crafted.add_block({0x00});
    crafted.piece_count = 8;
    check_refused(crafted, "1 pane blocks and 8 waiting pieces of 16777216 counters");
  }
  SECTION("more than the bytes hold") {
    crafted.add_piece(13, {0x01, 0x00, 0x01, 0x01});
    crafted.piece_count = 3;  // 12 + 4 bytes follow the count: not 3 x 12
    crafted.entries.clear();
    crafted.entry_count = 0;
    check_refused(crafted, "truncated at waiting pieces");
  }
  SECTION("below the panes of the timestamps") {
    crafted.add_piece(kMinTimestampMs - 1, {0x01, 0x00, 0x01, 0x01});
    check_refused(crafted, "lies outside the panes of the timestamps");
  }
  SECTION("not ascending") {
    crafted.add_piece(14, {0x01, 0x00, 0x01, 0x01});
    crafted.add_piece(13, {0x01, 0x00, 0x01, 0x01});
    check_refused(crafted, "waiting pane 13 follows waiting pane 14");
  }
  SECTION("twice") {
    crafted.add_piece(13, {0x01, 0x00, 0x01, 0x01});
    crafted.add_piece(13, {0x01, 0x00, 0x01, 0x02});
    check_refused(crafted, "waiting pane 13 follows waiting pane 13");
  }
  SECTION("all zeros") {
    crafted.add_piece(13, {0x00, 0x00, 0x00, 0x00});
    check_refused(crafted, "waiting pane 13 is all zeros");
  }
  SECTION("an empty zero run after the first run") {
    crafted.add_piece(13, {0x02, 0x00, 0x01, 0x01, 0x00, 0x01, 0x01});
    check_refused(crafted, "empty zero run after its first run");
  }
}

TEST_CASE("Merge checkpoint partition entries out of the format are refused") {
  Crafted crafted = valid_crafted();
  crafted.entries.clear();
  crafted.entry_count = 0;
  SECTION("more than the partitions") {
    crafted.entry_count = 3;
    check_refused(crafted, "3 partition entries for 2 partitions");
  }
  SECTION("more than the bytes hold") {
    crafted.add_entry(0, 0, 0, 0);
    crafted.entry_count = 2;
    check_refused(crafted, "truncated at partition entries");
  }
  SECTION("negative") {
    crafted.add_entry(-1, 0, 0, 0);
    check_refused(crafted, "partition -1 is not one of its 2 partitions");
  }
  SECTION("beyond the partition count") {
    crafted.add_entry(2, 0, 0, 0);
    check_refused(crafted, "partition 2 is not one of its 2 partitions");
  }
  SECTION("not ascending") {
    crafted.add_entry(1, 0, 0, 0);
    crafted.add_entry(0, 0, 0, 0);
    check_refused(crafted, "partition 0 follows partition 1");
  }
  SECTION("twice") {
    crafted.add_entry(1, 0, 0, 0);
    crafted.add_entry(1, 0, 0, 0);
    check_refused(crafted, "partition 1 follows partition 1");
  }
  SECTION("a negative next offset") {
    crafted.add_entry(0, -1, 0, 0);
    check_refused(crafted, "negative next offset");
  }
  SECTION("a latest time above the timestamps") {
    crafted.add_entry(0, 0, kMaxTimestampMs + 1, 0);
    check_refused(crafted, "latest time outside");
  }
  SECTION("a latest time below the timestamps") {
    crafted.add_entry(0, 0, kMinTimestampMs - 1, 0);
    check_refused(crafted, "latest time outside");
  }
  SECTION("unknown flags") {
    crafted.add_entry(0, 0, 0, 0x02);
    check_refused(crafted, "unknown flags");
  }
  SECTION("trailing bytes") {
    crafted.add_entry(0, 0, 0, 0);
    crafted.trailing = to_bytes({0x00});
    check_refused(crafted, "trailing bytes");
  }
}

TEST_CASE("Invalid merge checkpoints are not encoded") {
  auto refused = [](auto change) {
    MergeCheckpoint checkpoint = documented_checkpoint();
    change(checkpoint);
    CHECK_FALSE(merge_checkpoint_problem(checkpoint).empty());
    CHECK_THROWS_AS(encode_merge_checkpoint(checkpoint), std::invalid_argument);
  };
  CHECK(merge_checkpoint_problem(documented_checkpoint()).empty());
  refused([](MergeCheckpoint& c) { c.counters = 0; });
  refused([](MergeCheckpoint& c) { c.counters = kMaxPartialCounters + 1; });
  refused([](MergeCheckpoint& c) { c.next_partials_offset = -1; });
  refused([](MergeCheckpoint& c) { c.windows.next_sequence = 1; });
  refused([](MergeCheckpoint& c) { c.windows.first_pane = kMinTimestampMs - 1; });
  refused([](MergeCheckpoint& c) { c.windows.first_pane = 11; });
  refused([](MergeCheckpoint& c) { c.windows.first_pane = 7; });  // 3 closed of 3 blocks
  refused([](MergeCheckpoint& c) { c.windows.counts.pop_back(); });
  refused([](MergeCheckpoint& c) { c.windows.counts.clear(); });
  refused([](MergeCheckpoint& c) {
    c.counters = 1;
    c.waiting.clear();
    c.windows.counts.assign(static_cast<std::size_t>(kMaxCheckpointPanes) + 1, 0);
  });
  refused([](MergeCheckpoint& c) { c.waiting[0].pane = kMaxTimestampMs + 1; });
  refused([](MergeCheckpoint& c) { c.waiting[0].deltas.push_back(1); });
  refused([](MergeCheckpoint& c) { c.waiting[0].deltas.assign(3, 0); });
  refused([](MergeCheckpoint& c) { c.waiting.push_back(c.waiting[0]); });
  refused([](MergeCheckpoint& c) { c.partition_count = -1; });
  refused([](MergeCheckpoint& c) { c.partition_count = kMaxCheckpointPartitions + 1; });
  refused([](MergeCheckpoint& c) { c.partition_count = 1; });  // entry 1 beyond it
  refused([](MergeCheckpoint& c) { std::swap(c.source[0], c.source[1]); });
  refused([](MergeCheckpoint& c) { c.source[0].next_offset = -1; });
  refused([](MergeCheckpoint& c) { c.source[0].latest_ms = kMinTimestampMs - 1; });
}

}  // namespace
}  // namespace driftd::cluster
