// Event decoding throughput (events/s, one core) of the two ways to pull
// features out of JSON events with simdjson On-Demand:
//   Trie       EventDecoder: one pass over each object, keys dispatched
//              through the schema's perfect-hashed key trie
//   AtPointer  the baseline: one doc.at_pointer() look-up per feature
// on NDJSON bodies of 1000 events, each ~212 bytes with 10 features:
//   /0  10 numeric features
//   /1  8 numeric and 2 categorical (resolved through a CategoryDictionary)
//   /2  10 numeric, then 5 keys no feature reads (~370 bytes): a string, an
//       object with an array and a nested object, a number, null, a boolean;
//       the decoder validates them as it passes (event_decoder.h)
// TrieDecodeOne decodes the same events one by one from unpadded buffers,
// as Kafka delivers them (each is copied to the padded scratch buffer).
//
//   build/bin/decoder_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "histogram/category_dictionary.h"
#include "ingest/event_decoder.h"

namespace driftd::ingest {
namespace {

constexpr int kEventsPerBody = 1000;

enum class Shape : int64_t {
  ten_numeric = 0,
  eight_numeric_two_categorical = 1,
  ten_numeric_and_unread_keys = 2,
};

constexpr const char* kUnreadKeys =
    R"(,"user_agent":"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101",)"
    R"("session":{"id":"a81f3c","tags":["beta","eu-west"],"flags":{"dark_mode":true}},)"
    R"("retries":3,"debug":null,"consent":false)";

constexpr const char* kNumericKeys[] = {
    "session_secs", "page_views", "cart_value",  "latency_ms",  "model_score",
    "items_in_cart", "discount",  "user_rating", "account_age", "ts_ms"};
constexpr const char* kCountries[] = {"DE", "FR", "US", "GB", "IT", "ES", "NL", "PL"};
constexpr const char* kDevices[] = {"mobile", "desktop", "tablet", "tv_app"};

struct Workload {
  explicit Workload(Shape shape_in) : shape(shape_in) {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> real(0, 1);
    char number[64];
    const bool categorical = shape == Shape::eight_numeric_two_categorical;
    for (int event = 0; event < kEventsPerBody; ++event) {
      std::string json = "{";
      for (int k = 0; k < 10; ++k) {
        if (k > 0) json += ',';
        if (categorical && k == 3) {
          json += R"("country":")";
          json += kCountries[rng() % 8];
          json += '"';
          continue;
        }
        if (categorical && k == 5) {
          json += R"("device_type":")";
          json += kDevices[rng() % 4];
          json += '"';
          continue;
        }
        json += '"';
        json += kNumericKeys[k];
        json += "\":";
        switch (k) {
          case 1: case 5: case 8:
            std::snprintf(number, sizeof number, "%d", static_cast<int>(real(rng) * 900) + 100);
            break;
          case 9:
            std::snprintf(number, sizeof number, "%lld",
                          1700000000000LL + static_cast<long long>(real(rng) * 1e9));
            break;
          default:
            std::snprintf(number, sizeof number, "%.4f", real(rng) * 900 + 100);
            break;
        }
        json += number;
      }
      if (shape == Shape::ten_numeric_and_unread_keys) json += kUnreadKeys;
      json += "}";
      event_bytes += json.size();
      events.push_back(json);
      body += json;
      body += '\n';
    }
    body_capacity = body.size() + kJsonPadding;
    body.append(kJsonPadding, ' ');

    const std::vector<std::string_view> countries(std::begin(kCountries), std::end(kCountries) - 2);
    const std::vector<std::string_view> devices(std::begin(kDevices), std::end(kDevices) - 1);
    country_dictionary = std::make_unique<CategoryDictionary>(CategoryDictionary::from_reference(countries, 16));
    device_dictionary = std::make_unique<CategoryDictionary>(CategoryDictionary::from_reference(devices, 16));
    country_resolver = std::make_unique<DictionaryResolver>(*country_dictionary);
    device_resolver = std::make_unique<DictionaryResolver>(*device_dictionary);
    for (int k = 0; k < 10; ++k) {
      if (categorical && k == 3) {
        schema.add_categorical("country", "/country");
      } else if (categorical && k == 5) {
        schema.add_categorical("device_type", "/device_type");
      } else {
        schema.add_numeric(kNumericKeys[k], std::string("/") + kNumericKeys[k]);
      }
    }
    if (categorical) resolvers = {country_resolver.get(), device_resolver.get()};
  }

  std::string_view body_view() const { return {body.data(), body_capacity - kJsonPadding}; }

  Shape shape;
  std::vector<std::string> events;
  std::size_t event_bytes = 0;
  std::string body;
  std::size_t body_capacity = 0;
  DecoderSchema schema;
  std::unique_ptr<CategoryDictionary> country_dictionary;
  std::unique_ptr<CategoryDictionary> device_dictionary;
  std::unique_ptr<DictionaryResolver> country_resolver;
  std::unique_ptr<DictionaryResolver> device_resolver;
  std::vector<CategoryResolver*> resolvers;
};

// The baseline: the same lines, the same columns, one at_pointer per feature.
class AtPointerDecoder {
 public:
  AtPointerDecoder(const DecoderSchema& schema, std::vector<CategoryResolver*> resolvers)
      : resolvers_(std::move(resolvers)) {
    for (const FeatureSpec& feature : schema.features()) {
      features_.push_back({feature.pointer.text(), feature.type, feature.column});
    }
    numeric_.resize(schema.numeric_count());
    categorical_.resize(schema.categorical_count());
  }

  std::size_t decode_ndjson(std::string_view body, std::size_t capacity) {
    for (auto& column : numeric_) column.clear();
    for (auto& column : categorical_) column.clear();
    std::size_t rows = 0;
    const char* data = body.data();
    const char* end = data + body.size();
    for (const char* cursor = data; cursor < end;) {
      const char* newline = static_cast<const char*>(std::memchr(cursor, '\n', end - cursor));
      const char* stop = newline != nullptr ? newline : end;
      const char* start = cursor;
      cursor = newline != nullptr ? newline + 1 : end;
      if (start == stop) continue;
      simdjson::ondemand::document document;
      if (parser_.iterate(start, stop - start, capacity - (start - data)).get(document)) continue;
      for (const Feature& feature : features_) {
        auto value = document.at_pointer(feature.pointer);
        if (feature.type == FeatureType::kNumeric) {
          double number = std::numeric_limits<double>::quiet_NaN();
          if (value.get_double().get(number)) number = std::numeric_limits<double>::quiet_NaN();
          numeric_[feature.column].push_back(number);
        } else {
          std::string_view text;
          std::uint32_t id = kMissingCategory;
          if (!value.get_string().get(text)) id = resolvers_[feature.column]->resolve(text);
          categorical_[feature.column].push_back(id);
        }
      }
      ++rows;
    }
    return rows;
  }

 private:
  struct Feature {
    std::string pointer;
    FeatureType type;
    std::size_t column;
  };
  std::vector<Feature> features_;
  std::vector<CategoryResolver*> resolvers_;
  simdjson::ondemand::parser parser_;
  std::vector<std::vector<double>> numeric_;
  std::vector<std::vector<std::uint32_t>> categorical_;
};

// Every feature of every event found: a decoder that matched nothing would
// be fast and wrong.
bool complete(const DecodedBatch& batch) {
  if (batch.rows() != kEventsPerBody) return false;
  for (std::size_t c = 0; c < batch.numeric_columns(); ++c) {
    if (batch.numeric_counts(c).missing + batch.numeric_counts(c).invalid != 0) return false;
  }
  for (std::size_t c = 0; c < batch.categorical_columns(); ++c) {
    if (batch.categorical_counts(c).missing + batch.categorical_counts(c).invalid != 0) return false;
  }
  return true;
}

void set_counters(benchmark::State& state, const Workload& workload) {
  state.SetItemsProcessed(state.iterations() * kEventsPerBody);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(workload.event_bytes));
  state.counters["event_bytes"] =
      static_cast<double>(workload.event_bytes) / static_cast<double>(kEventsPerBody);
}

void BM_Trie(benchmark::State& state) {
  const Workload workload(static_cast<Shape>(state.range(0)));
  EventDecoder decoder(workload.schema, workload.resolvers);
  DecodedBatch batch;
  for (auto _ : state) {
    batch.clear();
    decoder.decode_ndjson(workload.body_view(), workload.body_capacity, batch);
    benchmark::DoNotOptimize(batch.numeric(0).data());
  }
  if (!complete(batch)) state.SkipWithError("features lost");
  set_counters(state, workload);
}

void BM_AtPointer(benchmark::State& state) {
  const Workload workload(static_cast<Shape>(state.range(0)));
  AtPointerDecoder decoder(workload.schema, workload.resolvers);
  std::size_t rows = 0;
  for (auto _ : state) {
    rows = decoder.decode_ndjson(workload.body_view(), workload.body_capacity);
    benchmark::DoNotOptimize(rows);
  }
  if (rows != kEventsPerBody) state.SkipWithError("rows lost");
  set_counters(state, workload);
}

void BM_TrieDecodeOne(benchmark::State& state) {
  const Workload workload(static_cast<Shape>(state.range(0)));
  EventDecoder decoder(workload.schema, workload.resolvers);
  DecodedBatch batch;
  for (auto _ : state) {
    batch.clear();
    for (const std::string& event : workload.events) {
      decoder.decode_one(event, event.size(), batch);  // unpadded: copied
    }
    benchmark::DoNotOptimize(batch.numeric(0).data());
  }
  if (!complete(batch)) state.SkipWithError("features lost");
  set_counters(state, workload);
}

BENCHMARK(BM_Trie)->Arg(0)->Arg(1)->Arg(2);
BENCHMARK(BM_AtPointer)->Arg(0)->Arg(1)->Arg(2);
BENCHMARK(BM_TrieDecodeOne)->Arg(0)->Arg(1)->Arg(2);

}  // namespace
}  // namespace driftd::ingest

BENCHMARK_MAIN();
