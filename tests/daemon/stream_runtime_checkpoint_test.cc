// A stream's checkpoint is a complete cut: events a writer recorded beyond
// the open horizon (pieces waiting in the slow path, as when Kafka partition
// alignment holds the watermark back) are in it, so a restart from the
// checkpoint closes the same windows with the same counts as a run that
// never stopped.
// Event times are bounded by the clock at ingest (event_time.max_future):
// one event from the future neither blinds the stream nor, through a
// checkpoint written before that bound, the stream after a restart; late
// events are counted when they are found.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/config_parser.h"
#include "pipeline/checkpoint_codec.h"
#include "pipeline/stream_runtime.h"
#include "stream_runtime_driver.h"

namespace driftd {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kStart = 1'700'000'000'000 / kMinute * kMinute;
// The clock the tests' batches arrive at: an hour after the first window.
constexpr int64_t kNow = kStart + 60 * kMinute;
// 9999-12-31T23:59:59Z.
constexpr int64_t kYear9999 = 253'402'300'799'000;

using test::events;
using test::stream_config;

IngestResult ingest(StreamRuntime& runtime, const std::vector<std::string>& documents,
                    std::optional<int64_t> time_limit = std::nullopt, int64_t now = kNow) {
  return test::ingest_json(runtime, documents, time_limit, now);
}

// The reference: 50 events in the minute before kStart, then the source
// lets the watermark reach kStart, which ends the capture at its cut.
void capture_reference(StreamRuntime& runtime) {
  ingest(runtime, events(kStart - kMinute, 50));
  runtime.observe_event_time(0, kStart, kNow);
  REQUIRE(runtime.monitoring());
}

using test::Closed;
using test::poll;

TEST_CASE("Pieces waiting beyond the horizon are part of the checkpoint") {
  StreamRuntime original(stream_config(), 1);
  capture_reference(original);
  ingest(original, events(kStart + kMinute, 30));
  // Ten minutes ahead while alignment holds the watermark at the first window.
  ingest(original, events(kStart + 10 * kMinute, 40), kStart + kMinute);
  CHECK(poll(original).empty());
  StreamCheckpoint checkpoint;
  REQUIRE(original.checkpoint(checkpoint));
  CHECK_FALSE(checkpoint.waiting.empty());

  // A restart from the stored bytes, next to the run that never stopped.
  StreamRuntime restarted(stream_config(), 1);
  restarted.install_references(original.references());
  REQUIRE(restarted.restore(decode_checkpoint(encode_checkpoint(checkpoint)), kNow));
  for (StreamRuntime* runtime : {&original, &restarted}) {
    ingest(*runtime, events(kStart + 20 * kMinute, 5));
  }
  const std::vector<Closed> expected = poll(original);
  CHECK(expected == std::vector<Closed>{{kStart + kMinute, 30}, {kStart + 10 * kMinute, 40}});
  CHECK(poll(restarted) == expected);
}

TEST_CASE("A checkpoint whose waiting pieces do not fit the stream is refused") {
  StreamRuntime original(stream_config(), 1);
  capture_reference(original);
  StreamCheckpoint checkpoint;
  poll(original);
  REQUIRE(original.checkpoint(checkpoint));
  checkpoint.waiting.push_back({3, {1, 2}});
  StreamRuntime restarted(stream_config(), 1);
  restarted.install_references(original.references());
  CHECK_THROWS_AS(restarted.restore(checkpoint, kNow), InputError);
}

TEST_CASE("An event time beyond max_future is invalid at once and blinds nothing") {
  StreamRuntime runtime(stream_config(), 1);
  capture_reference(runtime);
  ingest(runtime, events(kStart + kMinute, 10));
  // One event from year 9999 among normal ones: rejected and counted by the
  // ingest call itself, before any window closes.
  std::vector<std::string> batch = events(kStart + kMinute, 5);
  batch.push_back("{\"t\": " + std::to_string(kYear9999) + ", \"x\": 1}");
  const IngestResult result = ingest(runtime, batch);
  CHECK(result.summary.invalid_event_time == 1);
  CHECK(result.summary.rows == 5);
  CHECK(runtime.counters().invalid_event_time.load() == 1);
  // Up to max_future (1h) ahead of the clock is accepted.
  CHECK(ingest(runtime, events(kNow + 60 * kMinute, 1)).summary.rows == 1);
  CHECK(ingest(runtime, events(kNow + 60 * kMinute + 1, 1)).summary.invalid_event_time == 1);
  CHECK(runtime.counters().invalid_event_time.load() == 2);
  // The watermark stayed on earth: later on-time events are not late.
  poll(runtime);
  IngestResult later = ingest(runtime, events(kNow + 60 * kMinute, 500));
  CHECK(later.late == 0);
  CHECK(later.summary.rows == 500);
  CHECK(runtime.counters().late.load() == 0);
}

TEST_CASE("Late events are counted when they are found, not when a window closes") {
  StreamRuntime runtime(stream_config(), 1);
  capture_reference(runtime);
  ingest(runtime, events(kStart + 5 * kMinute, 10));
  poll(runtime);
  // The panes before kStart + 5 min are closed now: an event of kStart + 1 min is late.
  const IngestResult result = ingest(runtime, events(kStart + kMinute, 3));
  CHECK(result.late == 3);
  CHECK(runtime.counters().late.load() == 3);
  // The next window's row still says how many were found late since the
  // previous one closed.
  ingest(runtime, events(kStart + 9 * kMinute, 1));
  uint64_t reported = 0;
  runtime.poll(0, [&](const WindowEvaluation&, uint64_t late) { reported += late; });
  CHECK(reported == 3);
  CHECK(runtime.counters().late.load() == 3);
}

TEST_CASE("Events found late before a restart are in the next window's row after it") {
  StreamRuntime original(stream_config(), 1);
  capture_reference(original);
  ingest(original, events(kStart + 5 * kMinute, 10));
  poll(original);
  CHECK(ingest(original, events(kStart + kMinute, 4)).late == 4);  // after the last window row
  StreamCheckpoint checkpoint;
  REQUIRE(original.checkpoint(checkpoint));
  CHECK(checkpoint.late_pending == 4);

  StreamRuntime restarted(stream_config(), 1);
  restarted.install_references(original.references());
  REQUIRE(restarted.restore(decode_checkpoint(encode_checkpoint(checkpoint)), kNow));
  CHECK(ingest(restarted, events(kStart + 2 * kMinute, 1)).late == 1);
  ingest(restarted, events(kStart + 9 * kMinute, 1));
  uint64_t reported = 0;
  restarted.poll(0, [&](const WindowEvaluation&, uint64_t late) { reported += late; });
  CHECK(reported == 5);
}

TEST_CASE("A checkpoint whose watermark came from the future is not restored") {
  // A driftd without the bound (here: a clock in year 9999 lets it in)
  // took an event of year 9999 and checkpointed the windows after it.
  StreamRuntime original(stream_config(), 1);
  capture_reference(original);
  ingest(original, events(kYear9999, 1), std::nullopt, kYear9999);
  poll(original);
  StreamCheckpoint poisoned;
  REQUIRE(original.checkpoint(poisoned));

  StreamRuntime restarted(stream_config(), 1);
  restarted.install_references(original.references());
  CHECK_THROWS_AS(restarted.restore(decode_checkpoint(encode_checkpoint(poisoned)), kNow),
                  InputError);
  // Refused, it changed nothing: the stream counts today's events.
  CHECK(ingest(restarted, events(kStart + 2 * kMinute, 20)).late == 0);
  ingest(restarted, events(kStart + 4 * kMinute, 1));
  const std::vector<Closed> closed = poll(restarted);
  REQUIRE_FALSE(closed.empty());
  CHECK(closed.front() == Closed{kStart + 2 * kMinute, 20});
}

// Found by tests/fuzz/checkpoint.cc: a piece in a pane no timestamp has was
// accepted, for the window manager to do pane arithmetic on.
TEST_CASE("A checkpoint with a waiting piece outside the stream's panes is refused") {
  StreamRuntime original(stream_config(), 1);
  capture_reference(original);
  ingest(original, events(kStart + 10 * kMinute, 40), kStart + kMinute);  // waits
  poll(original);
  StreamCheckpoint checkpoint;
  REQUIRE(original.checkpoint(checkpoint));
  REQUIRE_FALSE(checkpoint.waiting.empty());
  checkpoint.waiting.front().pane = INT64_MAX;
  StreamRuntime restarted(stream_config(), 1);
  restarted.install_references(original.references());
  CHECK_THROWS_AS(restarted.restore(checkpoint, kNow), InputError);
}

// Found by tests/fuzz/checkpoint.cc after event_time.max_future: the bound
// check computed the first open pane's start before the pane was checked,
// and a pane far out overflowed (UBSan).
TEST_CASE("A checkpoint whose first open pane is outside the stream's panes is refused") {
  StreamRuntime original(stream_config(), 1);
  capture_reference(original);
  poll(original);
  StreamCheckpoint checkpoint;
  REQUIRE(original.checkpoint(checkpoint));
  checkpoint.windows.first_open_pane = INT64_MAX / 2;
  StreamRuntime restarted(stream_config(), 1);
  restarted.install_references(original.references());
  CHECK_THROWS_AS(restarted.restore(checkpoint, kNow), InputError);
}

}  // namespace
}  // namespace driftd
