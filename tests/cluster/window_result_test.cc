// The owner's window result in cluster mode, as bytes: the documented
// example, round trips of random results, and refusals of truncated,
// corrupt, crafted and non-canonical encodings (window_result.h).
#include "cluster/window_result.h"

#include <array>
#include <bit>
#include <cmath>
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
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The result of docs/histogram-format.md's example.
WindowResult documented_result() {
  WindowResult result;
  result.stream = "s1";
  result.owner = "i-7";
  result.reference_version = 3;
  result.layout_fingerprint = 0xfeed;
  result.bounds = {1000, 1100};
  result.late = 1;
  result.counts = {2, 0, 2};
  result.changes = {{0, 0, Transition::kFired, Severity::kWarn, 0.25},
                    {0, 1, Transition::kEscalated, Severity::kCritical, kInfinity}};
  return result;
}

// Its bytes, field by field as the format's tables describe them.
const std::vector<std::uint8_t> kDocumentedBytes = {
    0x44, 0x57, 0x52, 0x53,                          // magic "DWRS"
    0x01,                                            // version 1
    0x00, 0x00, 0x00,                                // reserved
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // reference version 3
    0xed, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // layout fingerprint 0xfeed
    0xe8, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // window start 1000
    0x4c, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // window end 1100
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // late 1
    0x03, 0x00, 0x00, 0x00,                          // counters 3
    0x02, 's',  '1',                                 // stream "s1"
    0x03, 'i',  '-',  '7',                           // owner "i-7"
    0x02,                                            // counts: 2 runs
    0x00, 0x01, 0x02,                                //   0 zeros, 1 literal: 2
    0x01, 0x01, 0x02,                                //   1 zero, 1 literal: 2
    0x02, 0x00, 0x00, 0x00,                          // 2 alert changes
    0x00, 0x00, 0x00, 0x00,                          //   subject 0
    0x00, 0x00, 0x00, 0x00,                          //   rule 0
    0x01, 0x01,                                      //   fired, warn
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xd0, 0x3f,  //   value 0.25
    0x00, 0x00, 0x00, 0x00,                          //   subject 0
    0x01, 0x00, 0x00, 0x00,                          //   rule 1
    0x02, 0x02,                                      //   escalated, critical
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x7f,  //   value +inf
    0xef, 0x35, 0x4a, 0x51,                          // CRC-32C 0x514a35ef
};

TEST_CASE("A window result encodes to the bytes docs/histogram-format.md shows") {
  const std::vector<std::byte> expected = to_bytes(kDocumentedBytes);
  const std::vector<std::byte> encoded = encode_window_result(documented_result());
  REQUIRE(encoded.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("byte " << i);
    CHECK(encoded[i] == expected[i]);
  }
  CHECK(bitwise_crc32c(std::span(expected).first(expected.size() - 4)) == 0x514a35efu);
  CHECK(decode_window_result(expected) == documented_result());
}

// Random valid results: names of any bytes, bounds and counts at the ends of
// their ranges, blocks of zeros, sparse and dense, changes of every kind with
// values at the extremes of double.
class ResultGenerator {
 public:
  explicit ResultGenerator(std::uint64_t seed) : random_(seed) {}

  WindowResult next() {
    WindowResult result;
    result.stream = name();
    result.owner = name();
    result.reference_version = static_cast<std::int64_t>(
        pick({0, 1, static_cast<std::uint64_t>(std::int64_t{-1}), 1ULL << 63, random_()}));
    result.layout_fingerprint = random_();
    switch (below(4)) {
      case 0: result.bounds = {kMinTimestampMs, kMinTimestampMs + 1}; break;
      case 1: result.bounds = {kMaxTimestampMs - 1, kMaxTimestampMs}; break;
      case 2: result.bounds = {kMinTimestampMs, kMaxTimestampMs}; break;
      default: {
        const auto start = 1700000000000 + static_cast<std::int64_t>(below(1000000));
        result.bounds = {start, start + 1 + static_cast<std::int64_t>(below(3600000))};
      }
    }
    result.late = pick({0, 1, kAllOnes, random_()});
    static constexpr std::array<std::size_t, 7> kCounters = {1, 2, 3, 7, 64, 129, 1000};
    result.counts = block_of(kCounters[below(kCounters.size())]);
    const std::size_t changes = below(3) == 0 ? 0 : below(12);
    for (std::size_t i = 0; i < changes; ++i) result.changes.push_back(change());
    return result;
  }

 private:
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(random_() % n); }
  std::uint64_t pick(std::initializer_list<std::uint64_t> choices) {
    return choices.begin()[below(choices.size())];
  }
  std::string name() {
    const std::size_t length = below(4) == 0 ? kMaxPartialNameBytes : 1 + below(12);
    std::string out;
    for (std::size_t i = 0; i < length; ++i) out.push_back(static_cast<char>(below(256)));
    return out;
  }
  std::uint64_t value() {
    switch (below(5)) {
      case 0: return kAllOnes;
      case 1: return static_cast<std::uint64_t>(-static_cast<std::int64_t>(below(1000) + 1));
      case 2: return random_();
      default: return 1 + below(300);
    }
  }
  std::vector<std::uint64_t> block_of(std::size_t counters) {
    static constexpr std::array<double, 5> kDensity = {0.0, 0.01, 0.1, 0.5, 1.0};
    std::bernoulli_distribution nonzero(kDensity[below(kDensity.size())]);
    std::vector<std::uint64_t> out(counters, 0);
    for (std::uint64_t& count : out) {
      if (nonzero(random_)) count = value();
    }
    return out;
  }
  double metric() {
    switch (below(8)) {
      case 0: return kInfinity;
      case 1: return -kInfinity;
      case 2: return 0.0;
      case 3: return -0.0;
      case 4: return std::numeric_limits<double>::denorm_min();
      case 5: return std::numeric_limits<double>::max();
      default: {
        const double bits = std::bit_cast<double>(random_());
        return std::isnan(bits) ? 0.5 : bits;
      }
    }
  }
  AlertChange change() {
    static constexpr std::array<std::pair<Transition, Severity>, 6> kKinds = {{
        {Transition::kFired, Severity::kWarn},
        {Transition::kFired, Severity::kCritical},
        {Transition::kEscalated, Severity::kCritical},
        {Transition::kDeescalated, Severity::kWarn},
        {Transition::kResolved, Severity::kNone},
        {Transition::kResolved, Severity::kNone},
    }};
    const auto [transition, severity] = kKinds[below(kKinds.size())];
    return {static_cast<std::size_t>(pick({0, 1, 7, 0xffffffff, random_() >> 32})),
            static_cast<std::size_t>(pick({0, 1, 3, 0xffffffff, random_() >> 32})), transition,
            severity, metric()};
  }

  std::mt19937_64 random_;
};

// Equal as values and as bits: -0.0 == 0.0, but a result must come back with
// the owner's exact value.
void check_same(const WindowResult& decoded, const WindowResult& result) {
  REQUIRE(decoded == result);
  for (std::size_t i = 0; i < result.changes.size(); ++i) {
    REQUIRE(std::bit_cast<std::uint64_t>(decoded.changes[i].value) ==
            std::bit_cast<std::uint64_t>(result.changes[i].value));
  }
}

TEST_CASE("Random window results survive encoding, and their bytes re-encode to themselves") {
  ResultGenerator generator(20260606);
  for (int i = 0; i < 500; ++i) {
    const WindowResult result = generator.next();
    const std::vector<std::byte> bytes = encode_window_result(result);
    const WindowResult decoded = decode_window_result(bytes);
    check_same(decoded, result);
    REQUIRE(encode_window_result(decoded) == bytes);
  }
}

TEST_CASE("Window results at their bounds survive encoding") {
  WindowResult result = documented_result();
  SECTION("the most counters, all zeros") { result.counts.assign(kMaxPartialCounters, 0); }
  SECTION("the most counters, the last one set") {
    result.counts.assign(kMaxPartialCounters, 0);
    result.counts.back() = kAllOnes;
  }
  SECTION("one counter, zero") { result.counts = {0}; }
  SECTION("the most alert changes") {
    result.changes.assign(kMaxResultChanges,
                          {0xffffffff, 0xffffffff, Transition::kResolved, Severity::kNone, -0.0});
  }
  SECTION("the longest names") {
    result.stream.assign(kMaxPartialNameBytes, '\xff');
    result.owner.assign(kMaxPartialNameBytes, '\0');
  }
  SECTION("the widest bounds") { result.bounds = {kMinTimestampMs, kMaxTimestampMs}; }
  const std::vector<std::byte> bytes = encode_window_result(result);
  check_same(decode_window_result(bytes), result);
  CHECK(encode_window_result(decode_window_result(bytes)) == bytes);
}

TEST_CASE("Every truncation, deletion and bit flip of a window result is refused") {
  check_every_damage_refused(to_bytes(kDocumentedBytes), [](std::span<const std::byte> bytes) {
    return decode_window_result(bytes);
  });
}

// A window result written field by field, any field as the test wants it,
// sealed with a valid CRC: what a buggy owner or a damaged results topic
// could hand an instance.
struct Crafted {
  std::uint8_t version = 1;
  std::array<std::uint8_t, 3> reserved{};
  std::int64_t start = 1000;
  std::int64_t end = 1100;
  std::uint32_t counters = 3;
  std::vector<std::uint8_t> stream = {0x02, 's', '1'};  // length first
  std::vector<std::uint8_t> owner = {0x01, 'i'};
  std::vector<std::uint8_t> counts = {0x01, 0x00, 0x01, 0x02};  // 2 0 0
  std::uint32_t change_count = 0;
  std::vector<std::byte> changes;
  std::vector<std::byte> trailing;

  void add_change(std::uint32_t subject, std::uint32_t rule, std::uint8_t transition,
                  std::uint8_t severity, std::uint64_t value_bits) {
    ++change_count;
    append(changes, subject, 4);
    append(changes, rule, 4);
    append(changes, transition, 1);
    append(changes, severity, 1);
    append(changes, value_bits, 8);
  }
  void add_change(std::uint8_t transition, std::uint8_t severity, double value = 0.5) {
    add_change(0, 0, transition, severity, std::bit_cast<std::uint64_t>(value));
  }

  std::vector<std::byte> bytes() const {
    std::vector<std::byte> out = to_bytes({'D', 'W', 'R', 'S', version});
    for (std::uint8_t byte : reserved) append(out, byte, 1);
    append(out, 3, 8);       // reference version
    append(out, 0xfeed, 8);  // layout fingerprint
    append(out, static_cast<std::uint64_t>(start), 8);
    append(out, static_cast<std::uint64_t>(end), 8);
    append(out, 1, 8);  // late
    append(out, counters, 4);
    for (std::uint8_t byte : stream) append(out, byte, 1);
    for (std::uint8_t byte : owner) append(out, byte, 1);
    for (std::uint8_t byte : counts) append(out, byte, 1);
    append(out, change_count, 4);
    out.insert(out.end(), changes.begin(), changes.end());
    out.insert(out.end(), trailing.begin(), trailing.end());
    return sealed(std::move(out));
  }
};

// A crafted result that is valid: the control for the refusals below.
Crafted valid_crafted() {
  Crafted crafted;
  crafted.add_change(1, 2, 0.75);  // fired, critical
  crafted.add_change(4, 0, 0.0);   // resolved, none
  return crafted;
}

void check_refused(const Crafted& crafted, const std::string& message) {
  CHECK_THROWS_WITH(decode_window_result(crafted.bytes()), Catch::Contains(message));
}

TEST_CASE("A crafted window result with a valid checksum decodes as the format says") {
  const WindowResult decoded = decode_window_result(valid_crafted().bytes());
  CHECK(decoded.stream == "s1");
  CHECK(decoded.owner == "i");
  CHECK(decoded.reference_version == 3);
  CHECK(decoded.layout_fingerprint == 0xfeed);
  CHECK(decoded.bounds == Interval{1000, 1100});
  CHECK(decoded.late == 1);
  CHECK(decoded.counts == std::vector<std::uint64_t>{2, 0, 0});
  CHECK(decoded.changes ==
        std::vector<AlertChange>{{0, 0, Transition::kFired, Severity::kCritical, 0.75},
                                 {0, 0, Transition::kResolved, Severity::kNone, 0.0}});
  CHECK(encode_window_result(decoded) == valid_crafted().bytes());
}

TEST_CASE("Window result headers out of the format are refused, checksum or not") {
  Crafted crafted = valid_crafted();
  SECTION("bad magic") {
    std::vector<std::byte> bytes = crafted.bytes();
    bytes[1] = std::byte{'P'};
    CHECK_THROWS_WITH(decode_window_result(bytes), Catch::Contains("bad magic"));
  }
  SECTION("another version, before the checksum is looked at") {
    crafted.version = 2;
    std::vector<std::byte> bytes = crafted.bytes();
    bytes.back() ^= std::byte{1};
    CHECK_THROWS_WITH(decode_window_result(bytes), Catch::Contains("unknown format version 2"));
  }
  SECTION("a wrong checksum") {
    std::vector<std::byte> bytes = crafted.bytes();
    bytes.back() ^= std::byte{0x80};
    CHECK_THROWS_WITH(decode_window_result(bytes), Catch::Contains("CRC mismatch"));
  }
  SECTION("a short result") {
    CHECK_THROWS_WITH(decode_window_result(to_bytes({'D', 'W', 'R', 'S', 1, 0, 0, 0})),
                      Catch::Contains("truncated (8 bytes, at least 65)"));
  }
  for (std::size_t i = 0; i < 3; ++i) {
    SECTION("reserved byte " + std::to_string(i)) {
      crafted.reserved[i] = 0x01;
      check_refused(crafted, "non-zero reserved bytes");
    }
  }
  SECTION("a start below the timestamps") {
    crafted.start = kMinTimestampMs - 1;
    check_refused(crafted, "lie outside the timestamps");
  }
  SECTION("an end above the timestamps") {
    crafted.end = kMaxTimestampMs + 1;
    check_refused(crafted, "lie outside the timestamps");
  }
  SECTION("empty bounds") {
    crafted.end = crafted.start;
    check_refused(crafted, "bounds [1000, 1000) are empty");
  }
  SECTION("reversed bounds") {
    crafted.start = 1100;
    crafted.end = 1000;
    check_refused(crafted, "bounds [1100, 1000) are empty");
  }
  SECTION("no counters") {
    crafted.counters = 0;
    check_refused(crafted, "counters must be 1 to 16777216, got 0");
  }
  SECTION("too many counters, before any is allocated") {
    crafted.counters = kMaxPartialCounters + 1;
    check_refused(crafted, "counters must be 1 to 16777216, got 16777217");
  }
  SECTION("an empty stream") {
    crafted.stream = {0x00};
    check_refused(crafted, "empty stream");
  }
  SECTION("an empty owner") {
    crafted.owner = {0x00};
    check_refused(crafted, "empty owner");
  }
  SECTION("a stream longer than the bytes") {
    crafted.stream = {0xff, 's', '1'};
    check_refused(crafted, "truncated at stream");
  }
}

TEST_CASE("Window result counts out of the format are refused") {
  Crafted crafted = valid_crafted();
  SECTION("an overlong varint") {
    crafted.counts = {0x01, 0x80, 0x00, 0x01, 0x01};
    check_refused(crafted, "overlong varint at zero run");
  }
  SECTION("a zero literal") {
    crafted.counts = {0x01, 0x00, 0x02, 0x01, 0x00};
    check_refused(crafted, "window result counts has a zero literal");
  }
  SECTION("runs beyond the counters") {
    crafted.counts = {0x01, 0x03, 0x01, 0x01};
    check_refused(crafted, "counts has runs beyond its counters");
  }
  SECTION("more runs than the counters can hold") {
    crafted.counts = {0x03, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01};
    check_refused(crafted, "more runs than its 3 counters");
  }
  SECTION("an empty zero run after the first run") {
    crafted.counts = {0x02, 0x00, 0x01, 0x01, 0x00, 0x01, 0x01};
    check_refused(crafted, "empty zero run after its first run");
  }
  SECTION("a block of zeros is one byte") {
    crafted.counts = {0x00};
    CHECK(decode_window_result(crafted.bytes()).counts == std::vector<std::uint64_t>{0, 0, 0});
  }
}

TEST_CASE("Window result alert changes out of the format are refused") {
  Crafted crafted = valid_crafted();
  crafted.changes.clear();
  crafted.change_count = 0;
  SECTION("more than a result may hold, before any is allocated") {
    crafted.change_count = static_cast<std::uint32_t>(kMaxResultChanges) + 1;
    check_refused(crafted, "65537 alert changes, more than 65536");
  }
  SECTION("more than the bytes hold") {
    crafted.add_change(1, 1);
    crafted.change_count = 2;
    check_refused(crafted, "truncated at alert changes");
  }
  SECTION("no transition") {
    crafted.add_change(0, 0);
    check_refused(crafted, "alert change 0: transition 0 is not fired");
  }
  SECTION("an unknown transition") {
    crafted.add_change(1, 1);
    crafted.add_change(5, 1);
    check_refused(crafted, "alert change 1: transition 5 is not fired");
  }
  SECTION("an unknown severity") {
    crafted.add_change(1, 3);
    check_refused(crafted, "severity 3 is not none, warn or critical");
  }
  SECTION("fired leaving none") {
    crafted.add_change(1, 0);
    check_refused(crafted, "fired leaving severity none");
  }
  SECTION("escalated leaving warn") {
    crafted.add_change(2, 1);
    check_refused(crafted, "escalated leaving severity warn");
  }
  SECTION("escalated leaving none") {
    crafted.add_change(2, 0);
    check_refused(crafted, "escalated leaving severity none");
  }
  SECTION("deescalated leaving critical") {
    crafted.add_change(3, 2);
    check_refused(crafted, "deescalated leaving severity critical");
  }
  SECTION("deescalated leaving none") {
    crafted.add_change(3, 0);
    check_refused(crafted, "deescalated leaving severity none");
  }
  SECTION("resolved leaving warn") {
    crafted.add_change(4, 1);
    check_refused(crafted, "resolved leaving severity warn");
  }
  SECTION("resolved leaving critical") {
    crafted.add_change(4, 2);
    check_refused(crafted, "resolved leaving severity critical");
  }
  SECTION("a quiet NaN") {
    crafted.add_change(0, 0, 1, 1, 0x7ff8000000000000);
    check_refused(crafted, "alert change 0 has a NaN value");
  }
  SECTION("a signalling NaN with its sign bit") {
    crafted.add_change(0, 0, 1, 1, 0xfff0000000000001);
    check_refused(crafted, "has a NaN value");
  }
  SECTION("trailing bytes") {
    crafted.add_change(1, 1);
    crafted.trailing = to_bytes({0x00});
    check_refused(crafted, "trailing bytes");
  }
  SECTION("every consistent kind, and infinities, decode") {
    crafted.add_change(1, 1, -kInfinity);
    crafted.add_change(1, 2, kInfinity);
    crafted.add_change(2, 2);
    crafted.add_change(3, 1);
    crafted.add_change(4, 0);
    CHECK(decode_window_result(crafted.bytes()).changes.size() == 5);
  }
}

TEST_CASE("Invalid window results are not encoded") {
  auto refused = [](auto change) {
    WindowResult result = documented_result();
    change(result);
    CHECK_FALSE(window_result_problem(result).empty());
    CHECK_THROWS_AS(encode_window_result(result), std::invalid_argument);
  };
  CHECK(window_result_problem(documented_result()).empty());
  refused([](WindowResult& r) { r.stream.clear(); });
  refused([](WindowResult& r) { r.owner.clear(); });
  refused([](WindowResult& r) { r.stream.assign(kMaxPartialNameBytes + 1, 's'); });
  refused([](WindowResult& r) { r.owner.assign(kMaxPartialNameBytes + 1, 'i'); });
  refused([](WindowResult& r) { r.bounds = {1100, 1100}; });
  refused([](WindowResult& r) { r.bounds = {1100, 1000}; });
  refused([](WindowResult& r) { r.bounds.start = kMinTimestampMs - 1; });
  refused([](WindowResult& r) { r.bounds.end = kMaxTimestampMs + 1; });
  refused([](WindowResult& r) { r.counts.clear(); });
  refused([](WindowResult& r) { r.counts.assign(std::size_t{kMaxPartialCounters} + 1, 0); });
  refused([](WindowResult& r) {
    r.changes.assign(kMaxResultChanges + 1, r.changes[0]);
  });
  refused([](WindowResult& r) { r.changes[1].subject = std::size_t{1} << 32; });
  refused([](WindowResult& r) { r.changes[1].rule = std::size_t{1} << 32; });
  refused([](WindowResult& r) { r.changes[0].transition = Transition::kNone; });
  refused([](WindowResult& r) { r.changes[0].transition = static_cast<Transition>(5); });
  refused([](WindowResult& r) { r.changes[0].severity = static_cast<Severity>(3); });
  refused([](WindowResult& r) { r.changes[0].severity = Severity::kNone; });
  refused([](WindowResult& r) { r.changes[1].severity = Severity::kWarn; });
  refused([](WindowResult& r) {
    r.changes[1].transition = Transition::kDeescalated;  // leaving critical
  });
  refused([](WindowResult& r) { r.changes[1].transition = Transition::kResolved; });
  refused([](WindowResult& r) { r.changes[1].value = std::nan(""); });
}

}  // namespace
}  // namespace driftd::cluster
