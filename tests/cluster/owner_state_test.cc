// A stream owner's state in cluster mode, as bytes: the documented example,
// round trips, and refusals of truncated, corrupt, crafted and invalid
// encodings (owner_state.h). The nested merge checkpoint has its own tests
// (merge_checkpoint_test.cc); here it is one small valid checkpoint.
#include "cluster/owner_state.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "cluster/merge_checkpoint.h"
#include "common/error.h"
#include "support/format_bytes.h"

namespace driftd::cluster {
namespace {

using testing::append;
using testing::bitwise_crc32c;
using testing::check_every_damage_refused;
using testing::sealed;
using testing::to_bytes;

// The merge checkpoint of the documented example: one counter, one open
// pane holding 5 events, nothing else.
MergeCheckpoint small_checkpoint() {
  MergeCheckpoint checkpoint;
  checkpoint.reference_version = 3;
  checkpoint.layout_fingerprint = 0xfeed;
  checkpoint.counters = 1;
  checkpoint.next_partials_offset = 42;
  checkpoint.windows.first_pane = 10;
  checkpoint.windows.first_open_pane = 10;
  checkpoint.windows.counts = {5};
  return checkpoint;
}

// The state of docs/histogram-format.md's example: stream "s1", 1 late
// event reported, two rule states (warn with a streak of 2; not firing with
// a CUSUM of 1.5).
OwnerState documented_state() {
  OwnerState state;
  state.stream = "s1";
  state.merge = small_checkpoint();
  state.late_reported = 1;
  state.rules = {AlertRuleState::restore(Severity::kWarn, 2),
                 AlertRuleState::restore(Severity::kNone, 0, 1.5)};
  return state;
}

// Its bytes, field by field as the format's table describes them; the
// nested checkpoint as merge_checkpoint_test.cc checks it.
std::vector<std::byte> documented_bytes() {
  std::vector<std::byte> out = to_bytes({'D', 'O', 'S', 'T', 1, 0, 0, 0});
  append(out, 1, 8);                    // late reported 1
  append(out, 2, 4);                    // 2 rule states
  append(out, 2, 1);                    // stream length 2
  append(out, 's', 1);                  // "s1"
  append(out, '1', 1);
  append(out, 1, 1);                    // rule 0: warn
  append(out, 2, 4);                    //   streak 2
  append(out, 0, 8);                    //   CUSUM 0
  append(out, 0, 1);                    // rule 1: none
  append(out, 0, 4);                    //   streak 0
  append(out, std::bit_cast<std::uint64_t>(1.5), 8);  // CUSUM 1.5
  const std::vector<std::byte> merge = encode_merge_checkpoint(small_checkpoint());
  append(out, merge.size(), 4);
  out.insert(out.end(), merge.begin(), merge.end());
  return sealed(std::move(out));
}

TEST_CASE("An owner state encodes to the bytes docs/histogram-format.md shows") {
  const std::vector<std::byte> expected = documented_bytes();
  CHECK(encode_owner_state(documented_state()) == expected);
  CHECK(decode_owner_state(expected) == documented_state());
  // The sizes and checksum the documentation states.
  CHECK(encode_merge_checkpoint(small_checkpoint()).size() == 140);
  CHECK(expected.size() == 197);
  CHECK(bitwise_crc32c(std::span(expected).first(expected.size() - 4)) == 0x7ad84c8du);
}

TEST_CASE("Random owner states survive encoding, and their bytes re-encode to themselves") {
  std::mt19937_64 random(20261204);
  for (int round = 0; round < 200; ++round) {
    OwnerState state;
    state.stream = std::string(1 + random() % 255, static_cast<char>('a' + random() % 26));
    state.merge = small_checkpoint();
    state.merge.windows.counts = {random()};
    state.late_reported = random();
    const std::size_t rules = random() % 40;
    for (std::size_t r = 0; r < rules; ++r) {
      const auto severity = static_cast<Severity>(random() % 3);
      const double cusum = severity == Severity::kNone && random() % 2 == 0
                               ? std::ldexp(static_cast<double>(random() % 100000), -10)
                               : 0.0;
      state.rules.push_back(
          AlertRuleState::restore(severity, static_cast<std::uint32_t>(random()), cusum));
    }
    const std::vector<std::byte> bytes = encode_owner_state(state);
    const OwnerState decoded = decode_owner_state(bytes);
    CHECK(decoded == state);
    CHECK(encode_owner_state(decoded) == bytes);
  }
}

TEST_CASE("Every truncation, deletion and bit flip of an owner state is refused") {
  check_every_damage_refused(documented_bytes(), [](std::span<const std::byte> bytes) {
    return decode_owner_state(bytes);
  });
}

// An owner state written field by field, sealed with a valid checksum.
struct Crafted {
  std::uint8_t version = 1;
  std::uint32_t rule_count = 1;
  std::vector<std::uint8_t> stream = {2, 's', '1'};
  std::uint8_t severity = 0;
  std::uint64_t cusum_bits = std::bit_cast<std::uint64_t>(0.5);
  std::vector<std::byte> merge = encode_merge_checkpoint(small_checkpoint());
  std::int64_t merge_length = -1;  // -1: merge.size()
  std::vector<std::byte> trailing;

  std::vector<std::byte> bytes() const {
    std::vector<std::byte> out = to_bytes({'D', 'O', 'S', 'T', version, 0, 0, 0});
    append(out, 7, 8);
    append(out, rule_count, 4);
    for (std::uint8_t byte : stream) append(out, byte, 1);
    append(out, severity, 1);
    append(out, 3, 4);
    append(out, cusum_bits, 8);
    append(out, merge_length < 0 ? merge.size() : static_cast<std::uint64_t>(merge_length), 4);
    out.insert(out.end(), merge.begin(), merge.end());
    out.insert(out.end(), trailing.begin(), trailing.end());
    return sealed(std::move(out));
  }
};

void check_refused(const Crafted& crafted, const std::string& message) {
  CHECK_THROWS_WITH(decode_owner_state(crafted.bytes()), Catch::Contains(message));
}

TEST_CASE("A crafted owner state with a valid checksum decodes as the format says") {
  const OwnerState decoded = decode_owner_state(Crafted().bytes());
  CHECK(decoded.stream == "s1");
  CHECK(decoded.late_reported == 7);
  CHECK(decoded.rules == std::vector<AlertRuleState>{AlertRuleState::restore(Severity::kNone, 3, 0.5)});
  CHECK(decoded.merge == small_checkpoint());
  CHECK(encode_owner_state(decoded) == Crafted().bytes());
}

TEST_CASE("Owner states out of the format are refused") {
  Crafted crafted;
  SECTION("another version") {
    crafted.version = 2;
    check_refused(crafted, "unknown format version 2");
  }
  SECTION("too many rule states, before any is allocated") {
    crafted.rule_count = static_cast<std::uint32_t>(kMaxOwnerRuleStates + 1);
    check_refused(crafted, "1048577 rule states, more than 1048576");
  }
  SECTION("more rule states than bytes") {
    crafted.rule_count = 1000;
    check_refused(crafted, "truncated at rule states");
  }
  SECTION("an empty stream") {
    crafted.stream = {0};
    check_refused(crafted, "empty stream");
  }
  SECTION("a severity beyond critical") {
    crafted.severity = 3;
    check_refused(crafted, "rule state 0: severity 3 is not none, warn or critical");
  }
  SECTION("a NaN CUSUM") {
    crafted.cusum_bits = std::bit_cast<std::uint64_t>(std::numeric_limits<double>::quiet_NaN());
    check_refused(crafted, "CUSUM is not a finite number >= 0");
  }
  SECTION("an infinite CUSUM") {
    crafted.cusum_bits = std::bit_cast<std::uint64_t>(std::numeric_limits<double>::infinity());
    check_refused(crafted, "CUSUM is not a finite number >= 0");
  }
  SECTION("a negative CUSUM") {
    crafted.cusum_bits = std::bit_cast<std::uint64_t>(-0.5);
    check_refused(crafted, "CUSUM is not a finite number >= 0");
  }
  SECTION("a CUSUM of -0, which would not re-encode to itself") {
    crafted.cusum_bits = std::bit_cast<std::uint64_t>(-0.0);
    check_refused(crafted, "CUSUM is -0");
  }
  SECTION("a CUSUM while firing") {
    crafted.severity = 2;
    check_refused(crafted, "CUSUM is not 0 while firing");
  }
  SECTION("a merge checkpoint longer than the bytes") {
    crafted.merge_length = static_cast<std::int64_t>(crafted.merge.size()) + 1;
    check_refused(crafted, "truncated at merge checkpoint");
  }
  SECTION("a damaged merge checkpoint, its own CRC wrong") {
    crafted.merge[20] ^= std::byte{1};
    check_refused(crafted, "CRC mismatch");
  }
  SECTION("bytes after the merge checkpoint") {
    crafted.trailing = to_bytes({0});
    check_refused(crafted, "owner state has trailing bytes");
  }
}

TEST_CASE("Invalid owner states are not encoded") {
  OwnerState state = documented_state();
  SECTION("no stream name") {
    state.stream.clear();
    CHECK_THROWS_WITH(encode_owner_state(state), Catch::Contains("stream must have 1 to 255 bytes"));
  }
  SECTION("a CUSUM while firing") {
    state.rules[0] = AlertRuleState::restore(Severity::kCritical, 0, 1.0);
    CHECK_THROWS_WITH(encode_owner_state(state), Catch::Contains("rule state 0: CUSUM is not 0 while firing"));
  }
  SECTION("an invalid merge checkpoint") {
    state.merge.counters = 0;
    CHECK_THROWS_WITH(encode_owner_state(state), Catch::Contains("merge checkpoint: counters must be"));
  }
}

TEST_CASE("capture chunk keys name their stream and number, and nothing else parses as one") {
  CHECK(capture_chunk_key("payments", 7) == "payments/capture/00000000000000000007");
  for (const uint64_t number : {uint64_t{0}, uint64_t{41}, UINT64_MAX}) {
    const std::optional<CaptureChunkKey> parsed =
        parse_capture_chunk_key(capture_chunk_key("a.b-c_d", number));
    REQUIRE(parsed.has_value());
    CHECK(parsed->stream == "a.b-c_d");
    CHECK(parsed->number == number);
  }
  for (const char* other : {"payments", "payments/capture/", "/capture/00000000000000000001",
                            "payments/capture/0000000000000000001", "payments/capture/1",
                            "payments/capture/0000000000000000000x",
                            "payments/capture/99999999999999999999"}) {
    INFO(other);
    CHECK_FALSE(parse_capture_chunk_key(other).has_value());
  }
}

}  // namespace
}  // namespace driftd::cluster
