// The recorder's joint counters: a feature pair counts each event in the
// cell of its two bins (numeric bins and category ids alike) or as
// incomplete when either value is missing or invalid; a feature group adds
// the moment sums of its complete rows. Events decoded by the real decoder,
// recorded into a real count window.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/config_parser.h"
#include "ingest/category_resolver.h"
#include "ingest/event_decoder.h"
#include "pipeline/batch_recorder.h"
#include "pipeline/counter_layout.h"
#include "pipeline/feature_reference.h"
#include "pipeline/group_moments.h"
#include "pipeline/joint_reference.h"
#include "pipeline/stream_schema.h"
#include "window/pane_delta_recorder.h"
#include "window/window_assembler.h"

namespace driftd {
namespace {

TEST_CASE("A pair counts joint cells and incomplete events, a group its complete rows") {
  const config::Config config = config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "streams": [{"name": "s", "source": {"type": "http"},
      "window": {"type": "count", "events": 6},
      "features": [
        {"name": "x", "path": "/x", "type": "numeric", "binning": "edges", "edges": [0, 10]},
        {"name": "c", "path": "/c", "type": "categorical"},
        {"name": "y", "path": "/y", "type": "numeric", "binning": "edges", "edges": [5]}]}]})");
  const config::StreamConfig& stream = config.streams[0];
  const StreamSchema schema = make_stream_schema(stream);
  const std::vector<double> reference_values{1, 2, 3, 4, 6, 8};
  const std::vector<std::string_view> categories{"a", "a", "b"};
  const std::vector<FeatureReference> references{
      numeric_reference(stream.features[0], reference_values),
      categorical_reference(stream.features[1], categories, 0),
      numeric_reference(stream.features[2], reference_values)};
  REQUIRE(references[1].bins.dictionary().bin_count() == 3);  // a, b, __other__

  const std::vector<CounterLayout::FeatureShape> shapes{{3, false}, {3, false}, {2, false}};
  const std::vector<CounterLayout::PairShape> pairs{{0, 1}, {1, 2}};
  const std::vector<CounterLayout::GroupShape> groups{{{0, 2}}};
  const CounterLayout layout(shapes, pairs, groups);
  REQUIRE(layout.pairs()[0].first == layout.feature(2).invalid() + 1);
  REQUIRE(layout.pairs()[1].first == layout.pairs()[0].incomplete() + 1);
  REQUIRE(layout.groups()[0].first == layout.pairs()[1].incomplete() + 1);
  REQUIRE(layout.size() == layout.groups()[0].first + group_sum_words(2));

  ingest::DictionaryResolver resolver(references[1].bins.dictionary());
  ingest::EventDecoder decoder(schema.decoder, {&resolver});
  ingest::DecodedBatch batch;
  std::string body =
      "{\"x\": -1, \"c\": \"a\", \"y\": 1}\n"     // cells (0, a) and (a, 0)
      "{\"x\": 5, \"c\": \"b\", \"y\": 7}\n"      // (1, b) and (b, 1)
      "{\"x\": 15, \"c\": \"zz\", \"y\": 7}\n"    // (2, other) and (other, 1)
      "{\"x\": 5, \"y\": 2}\n"                    // c missing: both pairs incomplete
      "{\"x\": \"bad\", \"c\": \"a\", \"y\": 3}\n"  // x invalid: (x, c) incomplete; (a, 0)
      "{\"x\": 5, \"c\": \"a\"}\n";               // y missing: (1, a); (c, y) incomplete
  const std::size_t size = body.size();
  body.append(ingest::kJsonPadding, ' ');
  REQUIRE(decoder.decode_ndjson(std::string_view(body.data(), size), body.size(), batch).rows ==
          6);

  const WindowSpec spec = WindowSpec::count(6);
  WindowAssembler assembler(spec, layout.size(), 1);
  // The group's sums are standardised as its reference says.
  GroupReference group;
  group.standards = {{3.0, 2.0}, {4.0, 3.0}};
  const std::vector<GroupReference> groups_references{group};
  BatchRecorder recorder(layout, references, schema.columns, groups_references);
  DeferredPieces deferred;
  CHECK(recorder.record(assembler, spec, 0, batch, 0, 0, deferred) == 0);
  const auto window = assembler.next_window();
  REQUIRE(window.has_value());
  const std::span<const uint64_t> counts = window->counts;
  const auto cells = [&](const PairSlots& pair) {
    return std::vector<uint64_t>(counts.begin() + static_cast<std::ptrdiff_t>(pair.first),
                                 counts.begin() + static_cast<std::ptrdiff_t>(pair.incomplete()));
  };
  // The features' own histograms (x and y are binned once for both uses).
  const auto histogram = [&](std::size_t f) {
    const FeatureSlots& slots = layout.feature(f);
    return std::vector<uint64_t>(counts.begin() + static_cast<std::ptrdiff_t>(slots.first),
                                 counts.begin() + static_cast<std::ptrdiff_t>(slots.invalid()) + 1);
  };
  CHECK(histogram(0) == std::vector<uint64_t>{1, 3, 1, 0, 1});  // bins, missing, invalid
  CHECK(histogram(1) == std::vector<uint64_t>{3, 1, 1, 1, 0});
  CHECK(histogram(2) == std::vector<uint64_t>{3, 2, 1, 0});
  // (x, c): x bins (-inf,0) [0,10) [10,inf) by c bins a, b, __other__.
  CHECK(cells(layout.pairs()[0]) == std::vector<uint64_t>{1, 0, 0,  //
                                                          1, 1, 0,  //
                                                          0, 0, 1});
  CHECK(counts[layout.pairs()[0].incomplete()] == 2);
  // (c, y): c bins by y bins (-inf,5) [5,inf).
  CHECK(cells(layout.pairs()[1]) == std::vector<uint64_t>{2, 0,  //
                                                          0, 1,  //
                                                          0, 1});
  CHECK(counts[layout.pairs()[1].incomplete()] == 2);

  // The group (x, y): rows 1-4 are complete, x = -1 5 15 5, y = 1 7 7 2.
  const MomentAccumulator moments = group_moments_from_sums(
      counts.subspan(layout.groups()[0].first, group_sum_words(2)), group.standards);
  CHECK(moments.count() == 4);
  CHECK(moments.mean()[0] == Approx(6.0).margin(1e-4));
  CHECK(moments.mean()[1] == Approx(4.25).margin(1e-4));
  const std::vector<double> covariance = moments.covariance();
  // Sample covariance (ddof = 1): var x = 132 / 3, cov = 47 / 3, var y = 30.75 / 3.
  CHECK(covariance[0] == Approx(132.0 / 3).margin(1e-3));
  CHECK(covariance[1] == Approx(47.0 / 3).margin(1e-3));
  CHECK(covariance[3] == Approx(30.75 / 3).margin(1e-3));
}

TEST_CASE("Cluster mode's instances record every event in its pane, none late") {
  const config::Config config = config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "streams": [{"name": "s", "source": {"type": "http"},
      "event_time": {"field": "/t"},
      "window": {"type": "tumbling", "size": "1s"},
      "features": [{"name": "x", "path": "/x", "type": "numeric", "binning": "edges",
                    "edges": [0, 10]}]}]})");
  const config::StreamConfig& stream = config.streams[0];
  const StreamSchema schema = make_stream_schema(stream);
  const std::vector<double> reference_values{1, 2, 3};
  const std::vector<FeatureReference> references{
      numeric_reference(stream.features[0], reference_values)};
  const std::vector<CounterLayout::FeatureShape> shapes{{3, false}};
  const CounterLayout layout(shapes);
  ingest::EventDecoder decoder(schema.decoder, {});
  const auto decode = [&](std::string body, ingest::DecodedBatch& batch) {
    const std::size_t size = body.size();
    body.append(ingest::kJsonPadding, ' ');
    decoder.decode_ndjson(std::string_view(body.data(), size), body.size(), batch);
  };
  // Two batches, the second partly in a pane the first batch's watermark
  // has passed, one event far ahead.
  ingest::DecodedBatch first;
  decode("{\"t\": 1000, \"x\": 1}\n{\"t\": 1500, \"x\": 20}\n{\"t\": 2100, \"x\": -3}\n", first);
  ingest::DecodedBatch second;
  decode("{\"t\": 1200, \"x\": 5}\n{\"t\": 2200, \"x\": \"bad\"}\n{\"t\": 90000, \"x\": 2}\n", second);

  const WindowSpec spec =
      WindowSpec::tumbling(std::chrono::milliseconds(1000), TimeDomain::event_time);
  std::map<PaneId, std::vector<uint64_t>> expected;  // every event in its pane
  expected[1] = {0, 2, 1, 0, 0};
  expected[2] = {1, 0, 0, 0, 1};
  expected[90] = {0, 1, 0, 0, 0};

  PaneDeltaRecorder deltas(spec, layout.size(), 1);
  BatchRecorder recorder(layout, references, schema.columns);
  DeferredPieces deferred;
  std::map<PaneId, std::vector<uint64_t>> taken;
  const auto add = [&](PaneId pane, std::span<const uint64_t> counts) {
    std::vector<uint64_t>& total = taken[pane];
    total.resize(counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i) total[i] += counts[i];
  };
  CHECK(recorder.record(deltas, spec, 0, first, 0, 0, deferred) == 0);
  for (const PaneCounts& pane : deltas.take()) add(pane.pane, pane.counts);
  for (const PanePiece& piece : deferred.take()) add(piece.pane, piece.deltas);
  // Nothing is late on an instance: what its range has left behind waits.
  CHECK(recorder.record(deltas, spec, 0, second, 0, 0, deferred) == 0);
  for (const PaneCounts& pane : deltas.take()) add(pane.pane, pane.counts);
  const std::vector<PanePiece> waiting = deferred.take();
  REQUIRE(waiting.size() == 2);
  CHECK(waiting[0].pane == 1);   // below the range the first take opened at 2 s
  CHECK(waiting[1].pane == 90);  // beyond it
  for (const PanePiece& piece : waiting) add(piece.pane, piece.deltas);
  // Blocks are [events, bin 0, bin 1, bin 2, missing, invalid]: drop events.
  std::map<PaneId, std::vector<uint64_t>> bins;
  uint64_t events = 0;
  for (const auto& [pane, counts] : taken) {
    events += counts[CounterLayout::kEvents];
    bins[pane] = std::vector<uint64_t>(counts.begin() + 1, counts.end());
  }
  CHECK(events == 6);
  CHECK(bins == expected);
}

}  // namespace
}  // namespace driftd
