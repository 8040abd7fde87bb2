// A stream's references over time in cluster mode: the first one and the
// switches since, in time order, whatever order the topic gives them; the
// switch keys of the references topic.
#include "cluster/reference_timeline.h"

#include <catch2/catch.hpp>

namespace driftd::cluster {
namespace {

ReferenceRecord record(int64_t version) {
  ReferenceRecord out;
  out.stream = "payments";
  out.version = version;
  return out;
}

TEST_CASE("a timeline orders the first reference and the switches by time") {
  ReferenceTimeline timeline;
  CHECK_FALSE(timeline.has_first());
  timeline.add_switch(2'000, record(12));
  timeline.add_switch(1'000, record(11));
  timeline.set_first(record(10));
  REQUIRE(timeline.entries().size() == 3);
  CHECK(timeline.has_first());
  CHECK(timeline.entries()[0].from_ms == kMinTimestampMs);
  CHECK(timeline.entries()[0].record.version == 10);
  CHECK(timeline.entries()[1].from_ms == 1'000);
  CHECK(timeline.entries()[2].record.version == 12);
  REQUIRE(timeline.after_version(10) != nullptr);
  CHECK(timeline.after_version(10)->from_ms == 1'000);
  CHECK(timeline.after_version(11)->record.version == 12);
  CHECK(timeline.after_version(12) == nullptr);
  CHECK(timeline.after_version(99) == nullptr);
  CHECK(timeline.before_version(10) == nullptr);
  CHECK(timeline.before_version(12)->record.version == 11);
  CHECK(timeline.before_version(99) == nullptr);
  CHECK(timeline.of_version(11)->from_ms == 1'000);
  CHECK(timeline.of_version(99) == nullptr);
  // A newer record under the same key replaces it.
  timeline.add_switch(1'000, record(21));
  timeline.set_first(record(20));
  REQUIRE(timeline.entries().size() == 3);
  CHECK(timeline.entries()[0].record.version == 20);
  CHECK(timeline.entries()[1].record.version == 21);
}

TEST_CASE("switch keys name the stream and the time, and nothing else parses as one") {
  const std::string key = reference_switch_key("payments", 1'796'434'426'000);
  CHECK(key == "payments/switch/00000001796434426000");
  const std::optional<SwitchKey> parsed = parse_reference_switch_key(key);
  REQUIRE(parsed.has_value());
  CHECK(parsed->stream == "payments");
  CHECK(parsed->from_ms == 1'796'434'426'000);
  CHECK_FALSE(parse_reference_switch_key("payments").has_value());
  CHECK_FALSE(parse_reference_switch_key("payments/capture/00000000000000000001").has_value());
  CHECK_FALSE(parse_reference_switch_key("payments/switch/123").has_value());
  CHECK_FALSE(parse_reference_switch_key("/switch/00000000000000000001").has_value());
  // Beyond INT64_MAX: no time.
  CHECK_FALSE(parse_reference_switch_key("payments/switch/18446744073709551615").has_value());
}

}  // namespace
}  // namespace driftd::cluster
