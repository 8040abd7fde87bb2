// A stream as cluster mode's instance runs it: the writers record pane
// deltas, and each cut hands out what they recorded since the previous one,
// pane by pane, with nothing judged late and nothing lost.
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

}  // namespace
}  // namespace driftd
