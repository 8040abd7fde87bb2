// The reference capture ends at its size whatever it found: a feature with
// fewer than reference.min_values values gets no reference and is neither
// recorded nor evaluated nor alerted on, while the stream's other features
// are monitored; a checkpoint and a restart carry such a stream.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/config_parser.h"
#include "pipeline/checkpoint_codec.h"
#include "pipeline/stream_runtime.h"

namespace driftd {
namespace {

constexpr std::size_t kX = 0, kGhost = 1, kC = 2;

config::StreamConfig stream_config(const std::string& reference) {
  return config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "streams": [{
      "name": "s", "source": {"type": "http"},
      "window": {"type": "count", "events": 50},
      "reference": )" + reference + R"(,
      "features": [
        {"name": "x", "path": "/x", "type": "numeric", "bins": 8},
        {"name": "ghost", "path": "/ghost", "type": "categorical"},
        {"name": "c", "path": "/c", "type": "categorical"}],
      "alerts": [{"metric": "jsd", "warn": 0.05, "critical": 0.2}]}]})")
      .streams[0];
}

// n events; x shifted by `shift`; the first `with_ghost` of them have ghost.
std::vector<std::string> events(int n, int shift = 0, int with_ghost = 0) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string event = "{\"x\": " + std::to_string(i % 20 + shift) + ", \"c\": \"" +
                        std::string(1, static_cast<char>('a' + i % 3)) + "\"";
    if (i < with_ghost) event += ", \"ghost\": \"g" + std::to_string(i % 4) + "\"";
    out.push_back(event + "}");
  }
  return out;
}

IngestResult ingest(StreamRuntime& runtime, const std::vector<std::string>& documents) {
  std::vector<std::string> padded = documents;
  std::vector<SourceDocument> sources;
  for (std::string& document : padded) {
    document.reserve(document.size() + 64);
    sources.push_back({document, INT64_MIN});
  }
  return runtime.ingest_documents(0, sources, 0);
}

std::vector<WindowEvaluation> poll(StreamRuntime& runtime) {
  std::vector<WindowEvaluation> windows;
  runtime.take_new_references();
  runtime.poll(0, [&](const WindowEvaluation& window, uint64_t) { windows.push_back(window); });
  return windows;
}

TEST_CASE("The capture ends at its size though a feature never has a value") {
  StreamRuntime runtime(stream_config(R"({"type": "capture", "events": 100})"), 1);
  ingest(runtime, events(60));
  CHECK_FALSE(runtime.monitoring());
  CHECK(runtime.features_without_reference() == 0);
  ingest(runtime, events(40));
  REQUIRE(runtime.monitoring());
  CHECK(runtime.counters().events.load() == 100);
  CHECK(runtime.has_reference(kX));
  CHECK_FALSE(runtime.has_reference(kGhost));
  CHECK(runtime.has_reference(kC));
  CHECK(runtime.features_without_reference() == 1);
  CHECK_FALSE(runtime.references().features[kGhost].present());
  CHECK(runtime.references().features[kGhost].counts.empty());

  // The others are monitored: x drifts and alerts; ghost, even once it has
  // values, is neither evaluated nor alerted on.
  ingest(runtime, events(50, 40, 50));
  const std::vector<WindowEvaluation> windows = poll(runtime);
  REQUIRE(windows.size() == 1);
  const WindowEvaluation& window = windows[0];
  CHECK(window.events == 50);
  CHECK(window.features[kX].evaluated);
  CHECK(window.features[kX].n == 50);
  CHECK(window.features[kC].comparison.has_value());
  CHECK_FALSE(window.features[kGhost].evaluated);
  CHECK_FALSE(window.features[kGhost].comparison.has_value());
  CHECK(window.features[kGhost].n == 0);
  const std::vector<AlertChange> changes = runtime.alerts().apply(window);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].subject == kX);
  CHECK(changes[0].transition == Transition::kFired);
}

TEST_CASE("reference.min_values decides which features get a reference") {
  // 9 of 100 events have ghost: fewer than the default 10.
  StreamRuntime nine(stream_config(R"({"type": "capture", "events": 100})"), 1);
  ingest(nine, events(100, 0, 9));
  REQUIRE(nine.monitoring());
  CHECK_FALSE(nine.has_reference(kGhost));
  // 10 are enough.
  StreamRuntime ten(stream_config(R"({"type": "capture", "events": 100})"), 1);
  ingest(ten, events(100, 0, 10));
  REQUIRE(ten.monitoring());
  CHECK(ten.has_reference(kGhost));
  CHECK(ten.references().features[kGhost].n() == 10);
  // A stricter minimum.
  StreamRuntime strict(stream_config(R"({"type": "capture", "events": 100, "min_values": 50})"),
                       1);
  ingest(strict, events(100, 0, 49));
  REQUIRE(strict.monitoring());
  CHECK_FALSE(strict.has_reference(kGhost));
  CHECK(strict.features_without_reference() == 1);
}

TEST_CASE("A checkpoint with a feature without reference restores") {
  StreamRuntime original(stream_config(R"({"type": "capture", "events": 100})"), 1);
  ingest(original, events(100));
  ingest(original, events(30, 0, 30));  // an open window
  REQUIRE(poll(original).empty());
  StreamCheckpoint checkpoint;
  REQUIRE(original.checkpoint(checkpoint));
  CHECK(checkpoint.reference_ids[kGhost] == 0);

  StreamRuntime restarted(stream_config(R"({"type": "capture", "events": 100})"), 1);
  restarted.install_references(original.references());
  CHECK_FALSE(restarted.has_reference(kGhost));
  REQUIRE(restarted.restore(decode_checkpoint(encode_checkpoint(checkpoint)), 0));
  ingest(restarted, events(20));
  const std::vector<WindowEvaluation> windows = poll(restarted);
  REQUIRE(windows.size() == 1);
  CHECK(windows[0].features[kX].n == 50);
  CHECK_FALSE(windows[0].features[kGhost].evaluated);
}

TEST_CASE("New references after a restart keep the windows' position") {
  // driftctl reference import gave ghost a reference: the checkpoint was
  // counted against other references. Its counts go, but the count windows
  // go on after the stored ones instead of starting at sequence 0 again
  // (whose window rows exist: they are keyed by their start).
  StreamRuntime original(stream_config(R"({"type": "capture", "events": 100})"), 1);
  ingest(original, events(100));
  ingest(original, events(80));
  REQUIRE(poll(original).size() == 1);  // [0, 50)
  StreamCheckpoint checkpoint;
  REQUIRE(original.checkpoint(checkpoint));

  StreamReferences imported = original.references();
  imported.features[kGhost] = imported.features[kC];
  for (std::size_t f = 0; f < imported.features.size(); ++f) {
    imported.features[f].id = static_cast<int64_t>(f) + 10;
  }
  StreamRuntime restarted(stream_config(R"({"type": "capture", "events": 100})"), 1);
  restarted.install_references(imported);
  CHECK(restarted.has_reference(kGhost));
  CHECK_FALSE(restarted.restore(decode_checkpoint(encode_checkpoint(checkpoint)), 0));
  ingest(restarted, events(50, 0, 50));
  const std::vector<WindowEvaluation> windows = poll(restarted);
  REQUIRE(windows.size() == 1);
  CHECK(windows[0].bounds == Interval{50, 100});
  CHECK(windows[0].events == 50);
  CHECK(windows[0].features[kGhost].evaluated);
}

}  // namespace
}  // namespace driftd
