// A stream as cluster mode's instance runs it: the writers record pane
// deltas, and each cut hands out what they recorded since the previous one,
// pane by pane, with nothing judged late and nothing lost; a capture stream
// spools its rows until the reference comes; across a scheduled reference
// switch, each row is binned with the references of its time. And as its
// owner bins them: a capture from the instances' rows is the capture one
// instance makes of the same events.
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/config_parser.h"
#include "pipeline/counter_layout.h"
#include "pipeline/stream_runtime.h"
#include "stream_runtime_driver.h"

namespace driftd {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kStart = 1'700'000'000'000 / kMinute * kMinute;
constexpr int64_t kNow = kStart + 60 * kMinute;

using test::events;
using test::stream_config;

// The references an instance installs: here captured by a local stream.
StreamReferences captured_references() {
  StreamRuntime local(stream_config(), 1);
  test::ingest_json(local, events(kStart - kMinute, 50), std::nullopt, kNow);
  local.observe_event_time(0, kStart, kNow);
  REQUIRE(local.monitoring());
  return local.references();
}

// Events per pane (pane = minute since the epoch) of a cut.
std::map<PaneId, uint64_t> events_by_pane(const PaneCut& cut) {
  std::map<PaneId, uint64_t> out;
  for (const PanePiece& piece : cut.panes) out[piece.pane] = piece.deltas[CounterLayout::kEvents];
  return out;
}

TEST_CASE("A cluster instance's cuts hand out every event in its pane, once") {
  StreamRuntime instance(stream_config(), 1, WindowRole::cluster_instance);
  instance.install_references(captured_references());
  const PaneId first = kStart / kMinute;

  test::ingest_json(instance, events(kStart, 30), std::nullopt, kNow);
  test::ingest_json(instance, events(kStart + kMinute, 20), std::nullopt, kNow);
  // Far ahead while the source holds the watermark back: it waits, not lost.
  test::ingest_json(instance, events(kStart + 10 * kMinute, 5), kStart + kMinute, kNow);
  const PaneCut cut = instance.cut(kNow);
  CHECK(events_by_pane(cut) ==
        std::map<PaneId, uint64_t>{{first, 30}, {first + 1, 20}, {first + 10, 5}});
  CHECK(cut.events == 55);
  CHECK(cut.counters > 8);
  CHECK(cut.layout_fingerprint != 0);

  // An event for a pane the first cut handed out is not late here: it is in
  // the next cut, and the owner decides. A malformed event and one from the
  // far future are tallied.
  const IngestResult result = test::ingest_json(
      instance, {"{\"t\": " + std::to_string(kStart) + ", \"x\": 3}", "not json",
                 "{\"t\": 253402300799000, \"x\": 1}"},
      std::nullopt, kNow);
  CHECK(result.late == 0);
  const PaneCut next = instance.cut(kNow);
  CHECK(events_by_pane(next) == std::map<PaneId, uint64_t>{{first, 1}});
  CHECK(next.events == 3);
  CHECK(next.malformed == 1);
  CHECK(next.invalid_event_time == 1);

  // Nothing since: an empty cut.
  const PaneCut empty = instance.cut(kNow);
  CHECK(empty.panes.empty());
  CHECK(empty.events == 0);
}

// A capture stream with a numeric and a categorical feature: 40 events; in
// event time (the events' "t"), or processing time.
config::StreamConfig capture_config(bool event_time = true) {
  return config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "streams": [{
      "name": "s", "source": {"type": "http"},)" +
                              std::string(event_time ? R"("event_time": {"field": "/t"},)" : "") +
                              R"(
      "window": {"type": "tumbling", "size": "1m"},
      "reference": {"type": "capture", "events": 40},
      "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 6},
                   {"name": "c", "path": "/c", "type": "categorical"}]}]})")
      .streams[0];
}

// Event i at kStart + i seconds: x = i * 7 % 23 (missing every 9th, a
// string every 13th), c one of four words (absent every 5th, an array
// every 11th).
std::vector<std::string> mixed_events(int from, int to) {
  static const char* const kWords[] = {"red", "green", "blue", ""};
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) {
    std::string event = "{\"t\": " + std::to_string(kStart + i * 1000);
    if (i % 13 == 0) {
      event += ", \"x\": \"seven\"";
    } else if (i % 9 != 0) {
      event += ", \"x\": " + std::to_string(i * 7 % 23);
    }
    if (i % 11 == 0) {
      event += ", \"c\": [5]";
    } else if (i % 5 != 0) {
      event += ", \"c\": \"" + std::string(kWords[i * 3 % 4]) + "\"";
    }
    out.push_back(event + "}");
  }
  return out;
}

TEST_CASE("A cluster instance spools a capture stream's rows until the reference comes") {
  StreamRuntime instance(capture_config(), 1, WindowRole::cluster_instance);
  test::ingest_json(instance, mixed_events(0, 30), std::nullopt, kNow);
  test::ingest_json(instance, {"not json"}, std::nullopt, kNow);
  CHECK_FALSE(instance.monitoring());

  const PaneCut first = instance.cut(kNow);
  CHECK(first.panes.empty());
  CHECK(first.events == 31);
  CHECK(first.malformed == 1);
  REQUIRE(first.rows.rows() == 30);
  CHECK(first.rows.times_ms[29] == kStart + 29'000);
  CHECK(first.rows.numeric[0][1] == 7.0);
  CHECK(std::isnan(first.rows.numeric[0][9]));
  CHECK_FALSE(ingest::is_invalid_number(first.rows.numeric[0][9]));  // missing
  CHECK(ingest::is_invalid_number(first.rows.numeric[0][13]));
  // The categories in order of first use: row 1 "", row 2 "blue", ...
  const ingest::RawCategoricalColumn& c = first.rows.categorical[0];
  CHECK(c.values == std::vector<std::string>{"", "blue", "green", "red"});
  CHECK(c.ids[0] == ingest::kInvalidCategory);
  CHECK(c.ids[5] == ingest::kMissingCategory);
  CHECK(c.ids[1] == 0);
  CHECK(c.ids[2] == 1);

  // The next cut has only what came since, its categories numbered anew.
  test::ingest_json(instance, mixed_events(30, 33), std::nullopt, kNow);
  const PaneCut second = instance.cut(kNow);
  REQUIRE(second.rows.rows() == 3);
  CHECK(second.rows.categorical[0].values == std::vector<std::string>{"green", "red"});
  CHECK(second.events == 3);

  // Rows spooled before the reference arrives go out with the first cut
  // after it, beside the panes recorded with it; then only panes.
  test::ingest_json(instance, mixed_events(33, 35), std::nullopt, kNow);
  StreamRuntime local(capture_config(), 1);
  test::ingest_json(local, mixed_events(0, 40), std::nullopt, kNow);
  local.observe_event_time(0, kNow, kNow);
  REQUIRE(local.monitoring());
  instance.install_references(local.references());
  CHECK(instance.monitoring());
  test::ingest_json(instance, mixed_events(35, 38), std::nullopt, kNow);
  const PaneCut third = instance.cut(kNow);
  CHECK(third.rows.rows() == 2);
  CHECK(events_by_pane(third) == std::map<PaneId, uint64_t>{{kStart / kMinute, 3}});
  CHECK(third.layout_fingerprint != 0);
  test::ingest_json(instance, mixed_events(38, 39), std::nullopt, kNow);
  const PaneCut fourth = instance.cut(kNow);
  CHECK(fourth.rows.rows() == 0);
  CHECK(events_by_pane(fourth) == std::map<PaneId, uint64_t>{{kStart / kMinute, 1}});
}

// The bins and counts of a reference, comparable.
struct ReferenceView {
  std::vector<double> edges;
  std::vector<std::string> categories;
  std::vector<uint64_t> counts;
  uint64_t missing = 0;
  friend bool operator==(const ReferenceView&, const ReferenceView&) = default;
};
std::vector<ReferenceView> view(const StreamReferences& references) {
  std::vector<ReferenceView> out;
  for (const FeatureReference& reference : references.features) {
    ReferenceView& v = out.emplace_back();
    if (reference.bins.is_numeric()) {
      const auto edges = reference.bins.binning().edges();
      v.edges.assign(edges.begin(), edges.end());
    } else {
      const auto categories = reference.bins.dictionary().categories();
      v.categories.assign(categories.begin(), categories.end());
    }
    v.counts = reference.counts;
    v.missing = reference.missing;
  }
  return out;
}

TEST_CASE("An owner captures from the instances' rows the reference one instance captures") {
  // 130 events over minutes 0..2 (event i at second i), the capture's 40
  // end in minute 0, so the reference is minute 0's 60 events.
  StreamRuntime local(capture_config(), 1);
  test::ingest_json(local, mixed_events(0, 130), std::nullopt, kNow);
  local.observe_event_time(0, kNow, kNow);
  REQUIRE(local.monitoring());

  // Two instances read alternate events in other batches.
  StreamRuntime one(capture_config(), 1, WindowRole::cluster_instance);
  StreamRuntime two(capture_config(), 1, WindowRole::cluster_instance);
  const std::vector<std::string> all = mixed_events(0, 130);
  for (std::size_t i = 0; i < all.size(); ++i) {
    test::ingest_json(i % 2 == 0 ? one : two, {all[i]}, std::nullopt, kNow);
  }
  StreamRuntime owner(capture_config(), 1, WindowRole::cluster_owner);
  // The second instance's rows first, as they may arrive; the capture
  // waits for the frontier.
  owner.ingest_rows(0, two.cut(kNow).rows, kNow, kStart);
  owner.ingest_rows(0, one.cut(kNow).rows, kNow, kStart);
  CHECK_FALSE(owner.monitoring());
  owner.observe_event_time(0, kNow, kNow);
  REQUIRE(owner.monitoring());
  REQUIRE(owner.take_new_references() != nullptr);
  CHECK(view(owner.references()) == view(local.references()));
  CHECK(view(owner.references())[0].counts.size() == 6);

  // The rows beyond the capture's minute are binned into their panes, as
  // the local stream's windows hold them.
  const PaneCut binned = owner.cut(kNow);
  CHECK(events_by_pane(binned) ==
        std::map<PaneId, uint64_t>{{kStart / kMinute + 1, 60}, {kStart / kMinute + 2, 10}});
  CHECK(test::poll(local).size() == 2);

  // Rows that come once it monitors are binned too.
  StreamRuntime third(capture_config(), 1, WindowRole::cluster_instance);
  test::ingest_json(third, mixed_events(130, 135), std::nullopt, kNow);
  const IngestResult result = owner.ingest_rows(0, third.cut(kNow).rows, kNow);
  CHECK(result.summary.rows == 5);
  CHECK(events_by_pane(owner.cut(kNow)) == std::map<PaneId, uint64_t>{{kStart / kMinute + 2, 5}});
}

TEST_CASE("An owner captures a processing-time stream by when the instances read its rows") {
  // Two instances read event i at kStart + i seconds by their clocks, in
  // turn; the capture's 40 end in minute 0, so the reference is the 60
  // events read in minute 0: those one driftd captures in event time when
  // the events carry those times.
  StreamRuntime by_event_time(capture_config(), 1);
  test::ingest_json(by_event_time, mixed_events(0, 130), std::nullopt, kNow);
  by_event_time.observe_event_time(0, kNow, kNow);
  REQUIRE(by_event_time.monitoring());

  StreamRuntime one(capture_config(false), 1, WindowRole::cluster_instance);
  StreamRuntime two(capture_config(false), 1, WindowRole::cluster_instance);
  const std::vector<std::string> all = mixed_events(0, 130);
  for (std::size_t i = 0; i < all.size(); ++i) {
    test::ingest_json(i % 2 == 0 ? one : two, {all[i]}, std::nullopt,
                      kStart + static_cast<int64_t>(i) * 1000);
  }
  const PaneCut from_two = two.cut(kNow);
  REQUIRE(from_two.rows.rows() == 65);
  CHECK(from_two.rows.times_ms[1] == kStart + 3'000);  // when it was read

  StreamRuntime owner(capture_config(false), 1, WindowRole::cluster_owner);
  owner.ingest_rows(0, from_two.rows, kNow, kMinTimestampMs);
  owner.ingest_rows(0, one.cut(kNow).rows, kNow, kMinTimestampMs);
  // Ends once the instances' clocks (the partitions' progress) pass minute 0.
  owner.observe_event_time(0, kStart + kMinute - 1, kNow);
  CHECK_FALSE(owner.monitoring());
  owner.observe_event_time(0, kStart + kMinute, kNow);
  REQUIRE(owner.monitoring());
  REQUIRE(owner.take_new_references() != nullptr);
  CHECK(view(owner.references()) == view(by_event_time.references()));
  CHECK(owner.windows_from_ms() == kStart + kMinute);

  // The rows read later are binned into the panes of when they were read,
  // not of the owner's clock.
  CHECK(events_by_pane(owner.cut(kNow)) ==
        std::map<PaneId, uint64_t>{{kStart / kMinute + 1, 60}, {kStart / kMinute + 2, 10}});
}

// The references one driftd captures from the minute of events starting
// at `from` (mixed_events(from, from + 60)) with capture_config().
StreamReferences references_of_minute(int from) {
  StreamRuntime local(capture_config(), 1);
  const std::vector<std::string> minute = mixed_events(from, from + 60);
  // Shifted to minute 0 whatever `from`, so the capture ends at minute 1.
  std::vector<std::string> shifted;
  for (int i = 0; i < 60; ++i) {
    std::string event = minute[static_cast<std::size_t>(i)];
    const std::string time = std::to_string(kStart + (from + i) * 1000);
    event.replace(event.find(time), time.size(), std::to_string(kStart + i * 1000));
    shifted.push_back(event);
  }
  test::ingest_json(local, shifted, std::nullopt, kNow);
  local.observe_event_time(0, kStart + kMinute, kNow);
  REQUIRE(local.monitoring());
  return local.references();
}

// The panes of a cut from `first` (inclusive) to `last` (exclusive).
std::vector<PanePiece> panes_between(const std::vector<PanePiece>& panes, PaneId first, PaneId last) {
  std::vector<PanePiece> out;
  for (const PanePiece& piece : panes) {
    if (piece.pane >= first && piece.pane < last) out.push_back(piece);
  }
  return out;
}

// What an instance with only `references` bins of `events` (one batch per
// event, each at its own time in processing time).
PaneCut binned_with(const StreamReferences& references, const std::vector<std::string>& events,
                    bool event_time) {
  StreamRuntime alone(capture_config(event_time), 1, WindowRole::cluster_instance);
  alone.install_references(references);
  for (std::size_t i = 0; i < events.size(); ++i) {
    test::ingest_json(alone, {events[i]}, std::nullopt,
                      event_time ? kNow : kStart + static_cast<int64_t>(i) * 1000);
  }
  return alone.cut(kNow);
}

TEST_CASE("Across a reference switch each row is binned with the references of its time") {
  // Two references with other bins: minute 0's events, and those 300
  // events later (other values, other category frequencies).
  const StreamReferences old_references = references_of_minute(0);
  const StreamReferences new_references = references_of_minute(300);
  REQUIRE(view(old_references) != view(new_references));
  const PaneId first = kStart / kMinute;
  const PaneId switch_pane = first + 2;
  const int64_t switch_ms = kStart + 2 * kMinute;

  SECTION("event time: rows on both sides in the same batches, in any order") {
    StreamRuntime instance(capture_config(), 1, WindowRole::cluster_instance);
    instance.install_references(old_references);
    instance.cut(kNow);
    instance.schedule_references(new_references, switch_ms);
    // Minutes 0 to 3 in batches of 25 (each batch straddling the switch
    // holds rows of both), then a late row of minute 1 after minute 3.
    std::vector<std::string> all = mixed_events(0, 240);
    std::vector<std::string> late = mixed_events(70, 71);
    for (std::size_t from = 0; from < all.size(); from += 25) {
      const std::vector<std::string> batch(all.begin() + static_cast<std::ptrdiff_t>(from),
                                           all.begin() + static_cast<std::ptrdiff_t>(
                                                             std::min(from + 25, all.size())));
      test::ingest_json(instance, batch, std::nullopt, kNow);
    }
    test::ingest_json(instance, late, std::nullopt, kNow);
    all.push_back(late[0]);
    const PaneCut cut = instance.cut(kNow);
    CHECK(cut.events == 241);
    REQUIRE(cut.successor.has_value());
    CHECK(cut.successor->from_ms == switch_ms);

    const PaneCut old_alone = binned_with(old_references, all, true);
    const PaneCut new_alone = binned_with(new_references, all, true);
    CHECK(cut.panes == panes_between(old_alone.panes, first, switch_pane));
    CHECK(cut.layout_fingerprint == old_alone.layout_fingerprint);
    CHECK(cut.successor->panes == panes_between(new_alone.panes, switch_pane, first + 4));
    CHECK(cut.successor->layout_fingerprint == new_alone.layout_fingerprint);
    CHECK(cut.successor->counters == new_alone.counters);
    CHECK(events_by_pane(cut) == std::map<PaneId, uint64_t>{{first, 60}, {first + 1, 61}});
  }

  SECTION("processing time: each batch by when it was read") {
    StreamRuntime instance(capture_config(false), 1, WindowRole::cluster_instance);
    instance.install_references(old_references);
    instance.schedule_references(new_references, switch_ms);
    const std::vector<std::string> all = mixed_events(0, 240);
    for (std::size_t i = 0; i < all.size(); ++i) {
      test::ingest_json(instance, {all[i]}, std::nullopt, kStart + static_cast<int64_t>(i) * 1000);
    }
    const PaneCut cut = instance.cut(kNow);
    REQUIRE(cut.successor.has_value());
    CHECK(cut.panes == panes_between(binned_with(old_references, all, false).panes, first,
                                     switch_pane));
    CHECK(cut.successor->panes ==
          panes_between(binned_with(new_references, all, false).panes, switch_pane, first + 4));
  }

  SECTION("a second switch completes the first: its references become the current ones") {
    StreamRuntime instance(capture_config(), 1, WindowRole::cluster_instance);
    instance.install_references(old_references);
    instance.schedule_references(new_references, switch_ms);
    test::ingest_json(instance, mixed_events(0, 180), std::nullopt, kNow);
    instance.cut(kNow);
    const StreamReferences third = references_of_minute(600);
    instance.schedule_references(third, kStart + 4 * kMinute);
    CHECK(view(instance.references()) == view(new_references));
    CHECK(instance.has_reference(0));
    // A straggler of minute 1 is binned with the references now current.
    const std::vector<std::string> rows = mixed_events(61, 62);
    test::ingest_json(instance, rows, std::nullopt, kNow);
    const PaneCut cut = instance.cut(kNow);
    CHECK(cut.panes == binned_with(new_references, rows, true).panes);
    REQUIRE(cut.successor.has_value());
    CHECK(cut.successor->from_ms == kStart + 4 * kMinute);
    CHECK(cut.successor->panes.empty());
  }

  SECTION("only a cluster role with a reference can switch") {
    StreamRuntime local(capture_config(), 1);
    local.install_references(old_references);
    CHECK_THROWS_AS(local.schedule_references(new_references, switch_ms), std::logic_error);
    StreamRuntime spooling(capture_config(), 1, WindowRole::cluster_instance);
    CHECK_THROWS_AS(spooling.schedule_references(new_references, switch_ms), std::logic_error);
  }
}

}  // namespace
}  // namespace driftd
