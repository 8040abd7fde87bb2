#include "cluster/pane_partial.h"

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

constexpr std::uint64_t kAllOnes = std::numeric_limits<std::uint64_t>::max();

using testing::append;
using testing::bitwise_crc32c;
using testing::check_every_damage_refused;
using testing::sealed;
using testing::to_bytes;

// The partial of docs/histogram-format.md's example.
PanePartial documented_partial() {
  PanePartial partial;
  partial.stream = "s1";
  partial.producer = "i-7";
  partial.sequence = 5;
  partial.reference_version = -2;
  partial.layout_fingerprint = 0x0123456789abcdefULL;
  partial.counters = 10;
  partial.events_seen = 300;
  partial.malformed = 2;
  partial.invalid_event_time = 1;
  partial.partitions = {{0, 1000, 1700000000000, false}, {3, 0, kMinTimestampMs, true}};
  partial.panes = {{-1, {5, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
                   {28333333, {0, 0, 300, 1, 0, 0, 0, kAllOnes, 0, 0}}};
  return partial;
}

// Its bytes, field by field as the format's tables describe them.
const std::vector<std::uint8_t> kDocumentedBytes = {
    0x44, 0x50, 0x50, 0x54,                          // magic "DPPT"
    0x01,                                            // version 1
    0x00, 0x00, 0x00,                                // reserved
    0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // sequence 5
    0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // reference version -2
    0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,  // layout fingerprint
    0x2c, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // events seen 300
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // malformed 2
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // invalid event time 1
    0x0a, 0x00, 0x00, 0x00,                          // counters 10
    0x02, 's', '1',                                  // stream "s1"
    0x03, 'i', '-', '7',                             // producer "i-7"
    0x02, 0x00, 0x00, 0x00,                          // 2 partitions
    0x00, 0x00, 0x00, 0x00,                          //   partition 0
    0xe8, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   next offset 1000
    0x00, 0x68, 0xe5, 0xcf, 0x8b, 0x01, 0x00, 0x00,  //   watermark 1700000000000
    0x00,                                            //   flags: not behind
    0x03, 0x00, 0x00, 0x00,                          //   partition 3
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   next offset 0
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0,  //   watermark -2^62 (none yet)
    0x01,                                            //   flags: behind
    0x02, 0x00, 0x00, 0x00,                          // 2 panes
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  //   pane -1
    0x01,                                            //   1 run
    0x00, 0x01, 0x05,                                //     0 zeros, 1 literal: 5
    0x15, 0x55, 0xb0, 0x01, 0x00, 0x00, 0x00, 0x00,  //   pane 28333333
    0x02,                                            //   2 runs
    0x02, 0x02, 0xac, 0x02, 0x01,                    //     2 zeros, 2 literals: 300, 1
    0x03, 0x01,                                      //     3 zeros, 1 literal:
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,  // 2^64 - 1
    0xe8, 0xee, 0xbd, 0x20,                          // CRC-32C 0x20bdeee8
};

TEST_CASE("A pane partial encodes to the bytes docs/histogram-format.md shows") {
  const std::vector<std::byte> expected = to_bytes(kDocumentedBytes);
  const std::vector<std::byte> encoded = encode_pane_partial(documented_partial());
  REQUIRE(encoded.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("byte " << i);
    CHECK(encoded[i] == expected[i]);
  }
  CHECK(bitwise_crc32c(std::span(expected).first(expected.size() - 4)) == 0x20bdeee8u);
  CHECK(decode_pane_partial(expected) == documented_partial());
}

// Random partials: names of any bytes, partitions and panes at the ends of
// their ranges, counts sparse and dense, with the extremes of uint64 and
// negative int64 sums as two's complement.
class PartialGenerator {
 public:
  explicit PartialGenerator(std::uint64_t seed) : random_(seed) {}

  PanePartial next() {
    PanePartial partial;
    partial.stream = name();
    partial.producer = name();
    partial.sequence = pick({0, 1, kAllOnes, random_()});
    partial.reference_version = static_cast<std::int64_t>(
        pick({0, 1, static_cast<std::uint64_t>(std::int64_t{-1}), 1ULL << 63, random_()}));
    partial.layout_fingerprint = random_();
    static constexpr std::array<std::uint32_t, 8> kCounters = {1, 2, 3, 7, 64, 129, 1000, 5000};
    partial.counters = kCounters[below(kCounters.size())];
    partial.events_seen = pick({0, 7, kAllOnes, random_()});
    partial.malformed = pick({0, 1, random_()});
    partial.invalid_event_time = pick({0, 1, random_()});

    std::int32_t partition = -1;
    const std::size_t partitions = below(4) == 0 ? 0 : below(7);
    for (std::size_t i = 0; i < partitions; ++i) {
      partition += 1 + static_cast<std::int32_t>(below(i + 1 == partitions ? 1000000 : 3));
      PartitionProgress progress;
      progress.partition = partition;
      progress.next_offset = static_cast<std::int64_t>(
          pick({0, 1, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()),
                random_() >> 1}));
      progress.watermark_ms = below(3) == 0 ? kMinTimestampMs : time();
      progress.behind = below(2) == 0;
      partial.partitions.push_back(progress);
    }

    const std::size_t panes = below(4) == 0 ? 0 : below(6) + 1;
    std::vector<PaneId> ids;
    while (ids.size() < panes) {
      const PaneId id = below(4) == 0 ? time() : 28333333 + static_cast<PaneId>(below(8));
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    for (PaneId id : ids) partial.panes.push_back({id, counts(partial.counters)});
    return partial;
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
  std::string name() {
    std::string text(below(3) == 0 ? kMaxPartialNameBytes : 1 + below(20), ' ');
    for (char& c : text) c = static_cast<char>(below(256));
    return text;
  }
  std::uint64_t value() {
    switch (below(6)) {
      case 0: return kAllOnes;
      case 1: return static_cast<std::uint64_t>(-static_cast<std::int64_t>(below(1000) + 1));
      case 2: return 1ULL << 63;
      case 3: return random_();
      default: return 1 + below(300);
    }
  }
  std::vector<std::uint64_t> counts(std::uint32_t counters) {
    static constexpr std::array<double, 4> kDensity = {0.001, 0.05, 0.5, 1.0};
    const double density = kDensity[below(kDensity.size())];
    std::bernoulli_distribution nonzero(density);
    std::vector<std::uint64_t> out(counters, 0);
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

TEST_CASE("Random pane partials survive encoding, and their bytes re-encode to themselves") {
  PartialGenerator generator(20260604);
  for (int i = 0; i < 400; ++i) {
    const PanePartial partial = generator.next();
    const std::vector<std::byte> bytes = encode_pane_partial(partial);
    const PanePartial decoded = decode_pane_partial(bytes);
    REQUIRE(decoded == partial);
    REQUIRE(encode_pane_partial(decoded) == bytes);
  }
}

TEST_CASE("Pane partials at their bounds survive encoding") {
  PanePartial partial = documented_partial();
  partial.panes.clear();
  partial.partitions.clear();
  SECTION("no partitions and no panes") {}
  SECTION("the most counters, the last one counted") {
    partial.counters = kMaxPartialCounters;
    partial.panes.push_back({kMaxTimestampMs, std::vector<std::uint64_t>(kMaxPartialCounters, 0)});
    partial.panes.back().counts.back() = 1;
  }
  SECTION("the most partitions and panes") {
    partial.counters = 1;
    for (std::int32_t p = 0; p < static_cast<std::int32_t>(kMaxPartialPartitions); ++p) {
      partial.partitions.push_back({p, p, kMinTimestampMs + p, p % 2 == 0});
    }
    for (PaneId pane = 0; pane < static_cast<PaneId>(kMaxPartialPanes); ++pane) {
      partial.panes.push_back({kMinTimestampMs + pane, {static_cast<std::uint64_t>(pane) + 1}});
    }
  }
  const std::vector<std::byte> bytes = encode_pane_partial(partial);
  CHECK(decode_pane_partial(bytes) == partial);
}

TEST_CASE("Every truncation, deletion and bit flip of a pane partial is refused") {
  check_every_damage_refused(to_bytes(kDocumentedBytes), [](std::span<const std::byte> bytes) {
    return decode_pane_partial(bytes);
  });
}

// A pane partial written field by field, any field as the test wants it,
// sealed with a valid CRC: what a buggy or hostile producer could send.
struct Crafted {
  std::uint8_t version = 1;
  std::array<std::uint8_t, 3> reserved{};
  std::uint32_t counters = 6;
  std::string stream = "s";
  std::string producer = "p";
  std::uint32_t partition_count = 0;
  std::vector<std::byte> partitions;
  std::uint32_t pane_count = 0;
  std::vector<std::byte> panes;
  std::vector<std::byte> trailing;

  void add_partition(std::int64_t partition, std::int64_t next_offset, std::int64_t watermark,
                     std::uint8_t flags) {
    ++partition_count;
    append(partitions, static_cast<std::uint64_t>(partition), 4);
    append(partitions, static_cast<std::uint64_t>(next_offset), 8);
    append(partitions, static_cast<std::uint64_t>(watermark), 8);
    append(partitions, flags, 1);
  }
  // `runs`: the raw bytes after the pane id, run count first.
  void add_pane(std::int64_t pane, std::vector<std::uint8_t> runs) {
    ++pane_count;
    append(panes, static_cast<std::uint64_t>(pane), 8);
    for (std::uint8_t byte : runs) panes.push_back(static_cast<std::byte>(byte));
  }

  std::vector<std::byte> bytes() const {
    std::vector<std::byte> out = to_bytes({'D', 'P', 'P', 'T', version});
    for (std::uint8_t byte : reserved) append(out, byte, 1);
    for (int field = 0; field < 6; ++field) append(out, 0, 8);
    append(out, counters, 4);
    for (const std::string* name : {&stream, &producer}) {
      append(out, name->size(), 1);
      for (char c : *name) out.push_back(static_cast<std::byte>(c));
    }
    append(out, partition_count, 4);
    out.insert(out.end(), partitions.begin(), partitions.end());
    append(out, pane_count, 4);
    out.insert(out.end(), panes.begin(), panes.end());
    out.insert(out.end(), trailing.begin(), trailing.end());
    return sealed(std::move(out));
  }
};

// A crafted partial that is valid: the control for the refusals below.
Crafted valid_crafted() {
  Crafted crafted;
  crafted.add_partition(0, 10, 1000, 0);
  crafted.add_partition(2, 0, kMinTimestampMs, 1);
  crafted.add_pane(4, {0x02, 0x00, 0x01, 0x07, 0x02, 0x01, 0x09});  // 7 0 0 9 0 0
  crafted.add_pane(5, {0x01, 0x05, 0x01, 0x01});                     // 0 0 0 0 0 1
  return crafted;
}

void check_refused(const Crafted& crafted, const std::string& message) {
  CHECK_THROWS_WITH(decode_pane_partial(crafted.bytes()), Catch::Contains(message));
}

TEST_CASE("A crafted pane partial with a valid checksum decodes as the format says") {
  const PanePartial decoded = decode_pane_partial(valid_crafted().bytes());
  CHECK(decoded.counters == 6);
  CHECK(decoded.partitions ==
        std::vector<PartitionProgress>{{0, 10, 1000, false}, {2, 0, kMinTimestampMs, true}});
  CHECK(decoded.panes == std::vector<PaneDelta>{{4, {7, 0, 0, 9, 0, 0}}, {5, {0, 0, 0, 0, 0, 1}}});
  CHECK(encode_pane_partial(decoded) == valid_crafted().bytes());
}

TEST_CASE("Pane partial headers out of the format are refused, checksum or not") {
  Crafted crafted = valid_crafted();
  SECTION("bad magic") {
    std::vector<std::byte> bytes = crafted.bytes();
    bytes[0] = std::byte{'X'};
    CHECK_THROWS_WITH(decode_pane_partial(bytes), Catch::Contains("bad magic"));
  }
  SECTION("another version, before the checksum is looked at") {
    crafted.version = 2;
    std::vector<std::byte> bytes = crafted.bytes();
    bytes.back() ^= std::byte{1};
    CHECK_THROWS_WITH(decode_pane_partial(bytes), Catch::Contains("unknown format version 2"));
  }
  SECTION("a wrong checksum") {
    std::vector<std::byte> bytes = crafted.bytes();
    bytes.back() ^= std::byte{0x80};
    CHECK_THROWS_WITH(decode_pane_partial(bytes), Catch::Contains("CRC mismatch"));
  }
  for (std::size_t i = 0; i < 3; ++i) {
    SECTION("reserved byte " + std::to_string(i)) {
      crafted.reserved[i] = 0x10;
      check_refused(crafted, "non-zero reserved bytes");
    }
  }
  SECTION("no counters") {
    crafted = Crafted{};
    crafted.counters = 0;
    check_refused(crafted, "counters must be 1 to 16777216, got 0");
  }
  SECTION("too many counters") {
    crafted = Crafted{};
    crafted.counters = kMaxPartialCounters + 1;
    check_refused(crafted, "counters must be 1 to 16777216, got 16777217");
  }
  SECTION("an empty stream") {
    crafted.stream.clear();
    check_refused(crafted, "empty stream");
  }
  SECTION("an empty producer") {
    crafted.producer.clear();
    check_refused(crafted, "empty producer");
  }
  SECTION("a name longer than what follows") {
    std::vector<std::byte> bytes = Crafted{}.bytes();
    bytes.resize(bytes.size() - 4);
    bytes[60] = std::byte{200};  // the stream's length
    CHECK_THROWS_WITH(decode_pane_partial(sealed(std::move(bytes))),
                      Catch::Contains("truncated at stream"));
  }
  SECTION("a short partial") {
    CHECK_THROWS_WITH(decode_pane_partial(to_bytes({'D', 'P', 'P', 'T', 1, 0, 0, 0})),
                      Catch::Contains("truncated"));
  }
}

TEST_CASE("Pane partial partitions out of the format are refused") {
  Crafted crafted;
  SECTION("more than the limit") {
    crafted.partition_count = kMaxPartialPartitions + 1;
    check_refused(crafted, "100001 partitions, more than 100000");
  }
  SECTION("more than the bytes hold") {
    crafted.add_partition(0, 0, 0, 0);
    crafted.partition_count = 2;  // 25 bytes follow the count: not 2 x 21
    check_refused(crafted, "truncated at partitions");
  }
  SECTION("negative") {
    crafted.add_partition(-1, 0, 0, 0);
    check_refused(crafted, "partition -1 is negative");
  }
  SECTION("not ascending") {
    crafted.add_partition(3, 0, 0, 0);
    crafted.add_partition(1, 0, 0, 0);
    check_refused(crafted, "partition 1 follows partition 3");
  }
  SECTION("twice") {
    crafted.add_partition(3, 0, 0, 0);
    crafted.add_partition(3, 0, 0, 0);
    check_refused(crafted, "partition 3 follows partition 3");
  }
  SECTION("a negative next offset") {
    crafted.add_partition(0, -1, 0, 0);
    check_refused(crafted, "negative next offset");
  }
  SECTION("a watermark below the timestamps") {
    crafted.add_partition(0, 0, kMinTimestampMs - 1, 0);
    check_refused(crafted, "watermark outside");
  }
  SECTION("a watermark above the timestamps") {
    crafted.add_partition(0, 0, kMaxTimestampMs + 1, 0);
    check_refused(crafted, "watermark outside");
  }
  SECTION("unknown flags") {
    crafted.add_partition(0, 0, 0, 0x03);
    check_refused(crafted, "unknown flags");
  }
}

TEST_CASE("Pane partial panes out of the format are refused") {
  Crafted crafted;
  SECTION("more than the limit") {
    crafted.pane_count = kMaxPartialPanes + 1;
    check_refused(crafted, "100001 panes, more than 100000");
  }
  SECTION("more counts than a partial may hold, before any is allocated") {
    crafted.counters = kMaxPartialCounters;
    crafted.pane_count = 9;
    check_refused(crafted, "9 panes of 16777216 counters, more than 134217728 counts");
  }
  SECTION("more than the bytes hold") {
    crafted.add_pane(0, {0x01, 0x00, 0x01});  // 11 bytes: fewer than a pane needs
    check_refused(crafted, "truncated at panes");
  }
  SECTION("below the panes of the timestamps") {
    crafted.add_pane(kMinTimestampMs - 1, {0x01, 0x00, 0x01, 0x01});
    check_refused(crafted, "outside the panes");
  }
  SECTION("above the panes of the timestamps") {
    crafted.add_pane(kMaxTimestampMs + 1, {0x01, 0x00, 0x01, 0x01});
    check_refused(crafted, "outside the panes");
  }
  SECTION("not ascending") {
    crafted.add_pane(5, {0x01, 0x00, 0x01, 0x01});
    crafted.add_pane(4, {0x01, 0x00, 0x01, 0x01});
    check_refused(crafted, "pane 4 follows pane 5");
  }
  SECTION("twice") {
    crafted.add_pane(5, {0x01, 0x00, 0x01, 0x01});
    crafted.add_pane(5, {0x01, 0x00, 0x01, 0x02});
    check_refused(crafted, "pane 5 follows pane 5");
  }
  SECTION("trailing bytes") {
    crafted.add_pane(5, {0x01, 0x00, 0x01, 0x01});
    crafted.trailing = to_bytes({0x00});
    check_refused(crafted, "trailing bytes");
  }
}

TEST_CASE("Non-canonical pane counts are refused, each for its reason") {
  Crafted crafted;  // 6 counters
  struct Case {
    const char* what;
    std::vector<std::uint8_t> runs;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"no run: an all-zero pane", {0x00, 0, 0, 0}, "is all zeros"},
      {"an overlong run count", {0x81, 0x00, 0x00, 0x01, 0x01}, "overlong varint at run count"},
      {"an overlong zero run", {0x01, 0x80, 0x00, 0x01, 0x01}, "overlong varint at zero run"},
      {"an overlong literal count", {0x01, 0x00, 0x81, 0x00, 0x01},
       "overlong varint at literal count"},
      {"an overlong literal", {0x01, 0x00, 0x01, 0x85, 0x00}, "overlong varint at literal"},
      {"a ten-byte varint ending in zero",
       {0x01, 0x00, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
       "overlong varint at literal"},
      {"a varint above 2^64 - 1",
       {0x01, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02},
       "above 2^64 - 1 at literal"},
      {"a varint longer than ten bytes",
       {0x01, 0x00, 0x01, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
       "longer than 10 bytes at literal"},
      {"a zero literal", {0x01, 0x00, 0x02, 0x03, 0x00}, "zero literal"},
      {"a run without literals", {0x01, 0x02, 0x00, 0x00}, "run without literals"},
      {"an empty zero run after the first run", {0x02, 0x00, 0x01, 0x01, 0x00, 0x01, 0x02},
       "empty zero run after its first run"},
      {"zeros beyond the counters", {0x01, 0x07, 0x01, 0x01}, "runs beyond its counters"},
      {"literals beyond the counters", {0x01, 0x03, 0x04, 1, 1, 1, 1}, "runs beyond its counters"},
      {"a second run beyond the counters", {0x02, 0x00, 0x01, 0x01, 0x05, 0x01, 0x01},
       "runs beyond its counters"},
      {"more runs than counters can hold", {0x04, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01},
       "more runs than its 6 counters"},
      {"runs cut short", {0x02, 0x00, 0x01, 0x01}, "truncated at zero run"},
  };
  for (const Case& c : cases) {
    Crafted pane = crafted;
    pane.add_pane(7, c.runs);
    INFO(c.what);
    check_refused(pane, c.message);
  }
  // The same content in canonical form decodes.
  crafted.add_pane(7, {0x02, 0x00, 0x01, 0x05, 0x01, 0x02, 0x02, 0x03});  // 5 0 2 3 0 0
  CHECK(decode_pane_partial(crafted.bytes()).panes ==
        std::vector<PaneDelta>{{7, {5, 0, 2, 3, 0, 0}}});
}

TEST_CASE("Invalid pane partials are not encoded") {
  auto refused = [](auto change) {
    PanePartial partial = documented_partial();
    change(partial);
    CHECK_THROWS_AS(encode_pane_partial(partial), std::invalid_argument);
  };
  refused([](PanePartial& p) { p.stream.clear(); });
  refused([](PanePartial& p) { p.producer = std::string(kMaxPartialNameBytes + 1, 'p'); });
  refused([](PanePartial& p) { p.counters = 0; });
  refused([](PanePartial& p) { p.counters = kMaxPartialCounters + 1; });
  refused([](PanePartial& p) { p.partitions[1].partition = 0; });
  refused([](PanePartial& p) { p.partitions[0].partition = -1; });
  refused([](PanePartial& p) { p.partitions[0].next_offset = -1; });
  refused([](PanePartial& p) { p.partitions[0].watermark_ms = kMaxTimestampMs + 1; });
  refused([](PanePartial& p) { p.partitions.resize(kMaxPartialPartitions + 1); });
  refused([](PanePartial& p) { std::swap(p.panes[0], p.panes[1]); });
  refused([](PanePartial& p) { p.panes[1].pane = p.panes[0].pane; });
  refused([](PanePartial& p) { p.panes[0].pane = kMinTimestampMs - 1; });
  refused([](PanePartial& p) { p.panes[0].counts.pop_back(); });
  refused([](PanePartial& p) { p.panes[0].counts.assign(10, 0); });
  refused([](PanePartial& p) {
    p.counters = kMaxPartialCounters;
    p.panes.assign(9, PaneDelta{});
    for (std::size_t i = 0; i < p.panes.size(); ++i) p.panes[i].pane = static_cast<PaneId>(i);
  });
}

TEST_CASE("A cut too large for one record is one record per pane, progress and tallies last") {
  PartialGenerator generator(20261204);
  for (int round = 0; round < 50; ++round) {
    const PanePartial partial = generator.next();
    const std::vector<std::byte> whole = encode_pane_partial(partial);
    // Fits: the one encoding.
    CHECK(encode_pane_partial_records(partial, whole.size()) ==
          std::vector<std::vector<std::byte>>{whole});
    const std::vector<std::vector<std::byte>> records =
        encode_pane_partial_records(partial, whole.size() - 1);
    if (partial.panes.size() <= 1) {
      CHECK(records == std::vector<std::vector<std::byte>>{whole});
      continue;
    }
    REQUIRE(records.size() == partial.panes.size());
    std::vector<PaneDelta> panes;
    for (std::size_t r = 0; r < records.size(); ++r) {
      const PanePartial part = decode_pane_partial(records[r]);
      CHECK(part.stream == partial.stream);
      CHECK(part.producer == partial.producer);
      CHECK(part.sequence == partial.sequence);
      CHECK(part.reference_version == partial.reference_version);
      CHECK(part.layout_fingerprint == partial.layout_fingerprint);
      CHECK(part.counters == partial.counters);
      REQUIRE(part.panes.size() == 1);
      panes.push_back(part.panes[0]);
      const bool last = r + 1 == records.size();
      CHECK(part.partitions ==
            (last ? partial.partitions : std::vector<PartitionProgress>{}));
      CHECK(part.events_seen == (last ? partial.events_seen : 0));
      CHECK(part.malformed == (last ? partial.malformed : 0));
      CHECK(part.invalid_event_time == (last ? partial.invalid_event_time : 0));
    }
    CHECK(panes == partial.panes);
  }
}

TEST_CASE("add_counts adds modulo 2^64") {
  std::vector<std::uint64_t> totals = {kAllOnes, 5, 1ULL << 63, 0};
  add_counts(totals, std::vector<std::uint64_t>{1, kAllOnes, 1ULL << 63, 0});
  CHECK(totals == std::vector<std::uint64_t>{0, 4, 0, 0});
  // Fixed-point sums as two's complement: -3 + 2 = -1.
  std::vector<std::uint64_t> sum = {static_cast<std::uint64_t>(std::int64_t{-3})};
  add_counts(sum, std::vector<std::uint64_t>{2});
  CHECK(static_cast<std::int64_t>(sum[0]) == -1);
}

TEST_CASE("Adding the partials of a split of counts equals adding the whole") {
  std::mt19937_64 random(7);
  for (int trial = 0; trial < 50; ++trial) {
    const std::size_t counters = 1 + static_cast<std::size_t>(random() % 300);
    std::vector<std::uint64_t> whole(counters);
    for (std::uint64_t& count : whole) count = random() % 3 == 0 ? 0 : random();
    // Parts that sum to the whole modulo 2^64: random ones, the last the
    // rest; each a partial of its own, through its bytes.
    const std::size_t parts = 1 + static_cast<std::size_t>(random() % 5);
    std::vector<std::uint64_t> rest = whole;
    std::vector<std::uint64_t> merged(counters, 0);
    for (std::size_t part = 0; part < parts; ++part) {
      std::vector<std::uint64_t> counts = rest;
      if (part + 1 < parts) {
        for (std::uint64_t& count : counts) count = random() % 2 == 0 ? 0 : random();
      }
      for (std::size_t i = 0; i < counters; ++i) rest[i] -= counts[i];
      if (std::all_of(counts.begin(), counts.end(), [](std::uint64_t c) { return c == 0; })) {
        continue;
      }
      PanePartial partial;
      partial.stream = "s";
      partial.producer = "instance-" + std::to_string(part);
      partial.counters = static_cast<std::uint32_t>(counters);
      partial.panes.push_back({42, counts});
      const PanePartial decoded = decode_pane_partial(encode_pane_partial(partial));
      add_counts(merged, decoded.panes.at(0).counts);
    }
    std::vector<std::uint64_t> expected(counters, 0);
    add_counts(expected, whole);
    REQUIRE(merged == expected);
  }
}

}  // namespace
}  // namespace driftd::cluster
