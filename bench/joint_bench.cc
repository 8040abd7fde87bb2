// The hot path's cost of feature pairs and groups (issue 11): BatchRecorder
// recording 4,096 decoded events of numeric features (16 quantile bins each)
// into one pane, with and without a pair (16 x 16 cells) or a group (d = 8,
// d = 32) on top. Items are events. The cost of a pair or a group is the
// difference between two layouts over the same features; compare it with
// the cost of that many single features (docs/performance.md).
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "config/config_parser.h"
#include "ingest/event_decoder.h"
#include "pipeline/batch_recorder.h"
#include "pipeline/counter_layout.h"
#include "pipeline/feature_reference.h"
#include "pipeline/joint_reference.h"
#include "pipeline/stream_schema.h"
#include "window/window_assembler.h"

namespace {

using namespace driftd;

constexpr std::size_t kEvents = 4096;

// `features` numeric features f0.. with 16 quantile bins, their references
// from 10,000 normal values, and a batch of kEvents decoded events.
struct Setup {
  explicit Setup(std::size_t features) {
    std::string json = R"({"storage": {"path": "unused.db"}, "streams": [{"name": "s",
      "source": {"type": "http"}, "window": {"type": "tumbling", "size": "1h"}, "features": [)";
    for (std::size_t f = 0; f < features; ++f) {
      json += (f ? ", " : "") + std::string(R"({"name": "f)") + std::to_string(f) +
              R"(", "path": "/f)" + std::to_string(f) + R"(", "type": "numeric", "bins": 16})";
    }
    json += "]}]}";
    config = config::parse_config(json);
    schema = std::make_unique<StreamSchema>(make_stream_schema(config.streams[0]));
    std::mt19937_64 random(1);
    std::normal_distribution<double> normal;
    for (std::size_t f = 0; f < features; ++f) {
      std::vector<double> values(10000);
      for (double& v : values) v = normal(random);
      references.push_back(numeric_reference(config.streams[0].features[f], values));
    }
    std::string body;
    for (std::size_t e = 0; e < kEvents; ++e) {
      body += "{";
      const double shared = normal(random);
      for (std::size_t f = 0; f < features; ++f) {
        body += (f ? ", " : "") + std::string("\"f") + std::to_string(f) +
                "\": " + std::to_string(0.7 * normal(random) + 0.7 * shared);
      }
      body += "}\n";
    }
    const std::size_t size = body.size();
    body.append(ingest::kJsonPadding, ' ');
    ingest::EventDecoder decoder(schema->decoder, {});
    decoder.decode_ndjson(std::string_view(body.data(), size), body.size(), batch);
  }
  config::Config config;
  std::unique_ptr<StreamSchema> schema;
  std::vector<FeatureReference> references;
  ingest::DecodedBatch batch;
};

void record(benchmark::State& state, std::size_t features,
            std::vector<CounterLayout::PairShape> pairs,
            std::vector<CounterLayout::GroupShape> groups) {
  const Setup setup(features);
  std::vector<CounterLayout::FeatureShape> shapes;
  for (const FeatureReference& reference : setup.references) {
    shapes.push_back({reference.bins.bin_count(), false});
  }
  const CounterLayout layout(shapes, pairs, groups);
  std::vector<GroupReference> group_references(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const std::size_t f : groups[g].features) {
      group_references[g].standards.push_back(setup.references[f].standardisation());
    }
  }
  const WindowSpec spec = WindowSpec::tumbling(std::chrono::hours(1), TimeDomain::processing_time);
  WindowAssembler assembler(spec, layout.size(), 1);
  BatchRecorder recorder(layout, setup.references, setup.schema->columns, group_references);
  DeferredPieces deferred;
  for (auto _ : state) {
    benchmark::DoNotOptimize(recorder.record(assembler, spec, 0, setup.batch, 0, 0, deferred));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kEvents));
}

std::vector<std::size_t> first(std::size_t d) {
  std::vector<std::size_t> out(d);
  for (std::size_t i = 0; i < d; ++i) out[i] = i;
  return out;
}

void BM_Features(benchmark::State& state) {
  record(state, static_cast<std::size_t>(state.range(0)), {}, {});
}
void BM_TwoFeaturesAndPair(benchmark::State& state) { record(state, 2, {{0, 1}}, {}); }
void BM_FeaturesAndGroup(benchmark::State& state) {
  const auto d = static_cast<std::size_t>(state.range(0));
  record(state, d, {}, {{first(d)}});
}

BENCHMARK(BM_Features)->Arg(1)->Arg(2)->Arg(8)->Arg(32);
BENCHMARK(BM_TwoFeaturesAndPair);
BENCHMARK(BM_FeaturesAndGroup)->Arg(8)->Arg(32);

}  // namespace

BENCHMARK_MAIN();
