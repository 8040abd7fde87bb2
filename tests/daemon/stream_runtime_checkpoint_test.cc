// A stream's checkpoint is a complete cut: events a writer recorded beyond
// the open horizon (pieces waiting in the slow path, as when Kafka partition
// alignment holds the watermark back) are in it, so a restart from the
// checkpoint closes the same windows with the same counts as a run that
// never stopped.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/config_parser.h"
#include "pipeline/checkpoint_codec.h"
#include "pipeline/stream_runtime.h"

namespace driftd {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kStart = 1'700'000'000'000 / kMinute * kMinute;

config::StreamConfig stream_config() {
  return config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "streams": [{
      "name": "s", "source": {"type": "http"},
      "event_time": {"field": "/t"},
      "window": {"type": "tumbling", "size": "1m"},
      "reference": {"type": "capture", "events": 50},
      "features": [{"name": "x", "path": "/x", "type": "numeric", "bins": 8}]}]})")
      .streams[0];
}

// `n` events at time t with values 0..n-1 (mod 97).
std::vector<std::string> events(int64_t t, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    out.push_back("{\"t\": " + std::to_string(t) + ", \"x\": " + std::to_string(i % 97) + "}");
  }
  return out;
}

void ingest(StreamRuntime& runtime, const std::vector<std::string>& documents,
            std::optional<int64_t> time_limit = std::nullopt) {
  std::vector<std::string> padded = documents;
  std::vector<SourceDocument> sources;
  for (std::string& document : padded) {
    document.reserve(document.size() + 64);
    sources.push_back({document, INT64_MIN});
  }
  runtime.ingest_documents(0, sources, 0, time_limit);
}

struct Closed {
  int64_t start;
  uint64_t n;
  friend bool operator==(const Closed&, const Closed&) = default;
};

std::vector<Closed> poll(StreamRuntime& runtime) {
  std::vector<Closed> closed;
  runtime.take_new_references();
  runtime.poll(0, [&](const WindowEvaluation& window, uint64_t) {
    closed.push_back({window.bounds.start, window.features[0].n});
  });
  return closed;
}

TEST_CASE("Pieces waiting beyond the horizon are part of the checkpoint") {
  StreamRuntime original(stream_config(), 1);
  ingest(original, events(kStart, 50));  // the reference
  REQUIRE(original.monitoring());
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
  REQUIRE(restarted.restore(decode_checkpoint(encode_checkpoint(checkpoint))));
  for (StreamRuntime* runtime : {&original, &restarted}) {
    ingest(*runtime, events(kStart + 20 * kMinute, 5));
  }
  const std::vector<Closed> expected = poll(original);
  CHECK(expected == std::vector<Closed>{{kStart + kMinute, 30}, {kStart + 10 * kMinute, 40}});
  CHECK(poll(restarted) == expected);
}

TEST_CASE("A checkpoint whose waiting pieces do not fit the stream is refused") {
  StreamRuntime original(stream_config(), 1);
  ingest(original, events(kStart, 50));
  StreamCheckpoint checkpoint;
  poll(original);
  REQUIRE(original.checkpoint(checkpoint));
  checkpoint.waiting.push_back({3, {1, 2}});
  StreamRuntime restarted(stream_config(), 1);
  restarted.install_references(original.references());
  CHECK_THROWS_AS(restarted.restore(checkpoint), InputError);
}

// Found by tests/fuzz/checkpoint.cc: a piece in a pane no timestamp has was
// accepted, for the window manager to do pane arithmetic on.
TEST_CASE("A checkpoint with a waiting piece outside the stream's panes is refused") {
  StreamRuntime original(stream_config(), 1);
  ingest(original, events(kStart, 50));
  ingest(original, events(kStart + 10 * kMinute, 40), kStart + kMinute);  // waits
  poll(original);
  StreamCheckpoint checkpoint;
  REQUIRE(original.checkpoint(checkpoint));
  REQUIRE_FALSE(checkpoint.waiting.empty());
  checkpoint.waiting.front().pane = INT64_MAX;
  StreamRuntime restarted(stream_config(), 1);
  restarted.install_references(original.references());
  CHECK_THROWS_AS(restarted.restore(checkpoint), InputError);
}

}  // namespace
}  // namespace driftd
