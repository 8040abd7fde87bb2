// References of feature pairs and groups: the joint histogram of the
// reference rows over the features' own bins (categories by the
// dictionary's bins, whatever ids the capture gave them), incomplete rows
// counted apart; a group's moments over its complete rows; none where the
// rows cannot give one.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "config/config_parser.h"
#include "ingest/event_decoder.h"
#include "pipeline/joint_reference.h"
#include "pipeline/reference_capture.h"
#include "pipeline/stream_layout.h"
#include "pipeline/stream_schema.h"

namespace driftd {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST_CASE("A pair reference counts the rows' cells and the incomplete rows") {
  const std::vector<uint32_t> x{0, 1, 1, 2, 9, 0};
  const std::vector<uint32_t> y{1, 0, 0, 1, 0, 7};
  const PairReference reference = pair_reference(x, y, 3, 2);
  CHECK(reference.present());
  CHECK(reference.cells == std::vector<uint64_t>{0, 1, 2, 0, 0, 1});
  CHECK(reference.incomplete == 2);
  const std::vector<uint32_t> missing{9, 9};
  CHECK_FALSE(pair_reference(missing, std::vector<uint32_t>{0, 0}, 3, 2).present());
}

TEST_CASE("A group reference takes the complete rows' moments and standardisation") {
  const std::vector<double> a{1, 2, 3, 4, kNaN, 10};
  const std::vector<double> b{2, 4, 7, 8, 1, kNaN};
  const std::vector<std::span<const double>> columns{a, b};
  const GroupReference reference = group_reference(columns);
  REQUIRE(reference.present());
  CHECK(reference.moments.count() == 4);
  CHECK(reference.moments.mean() == std::vector<double>{2.5, 5.25});
  CHECK(reference.standards[0].shift == 2.5);
  CHECK(reference.standards[0].scale == Approx(std::sqrt(5.0 / 3)).epsilon(1e-15));
  // Too few complete rows for a covariance (d + 1 = 3): none.
  const std::vector<double> c{1, 2, kNaN};
  const std::vector<std::span<const double>> short_columns{c, c};
  CHECK_FALSE(group_reference(short_columns).present());
}

TEST_CASE("Stored pair and group references read back exactly, and refuse what does not fit") {
  const PairReference pair = pair_reference(std::vector<uint32_t>{0, 1, 1, 2, 9},
                                            std::vector<uint32_t>{1, 0, 0, 1, 0}, 3, 2);
  const PairReference read = pair_reference_from_json(pair_reference_json(pair), 3, 2);
  CHECK(read.cells == pair.cells);
  CHECK(read.incomplete == pair.incomplete);
  CHECK_THROWS_AS(pair_reference_from_json(pair_reference_json(pair), 2, 3), InputError);
  CHECK_THROWS_AS(pair_reference_from_json("{\"x_bins\": 3}", 3, 2), InputError);
  CHECK_THROWS_AS(pair_reference_from_json("[1, 2]", 3, 2), InputError);
  CHECK_THROWS_AS(pair_reference_from_json("not json", 3, 2), InputError);

  // Timestamps near 1.7e12 ms and amounts near 1e6: every double written
  // with the digits that read it back, so the mean, co-moments and
  // standardisation are the same bits.
  std::vector<double> t;
  std::vector<double> amount;
  for (int i = 0; i < 50; ++i) {
    t.push_back(1.7e12 + 1000.0 * i + 0.123456789 * (i % 7));
    amount.push_back(1e6 + std::sin(i) * 1234.5678);
  }
  const std::vector<std::span<const double>> columns{t, amount};
  const GroupReference group = group_reference(columns);
  const GroupReference back = group_reference_from_json(group_reference_json(group), 2);
  CHECK(back.moments.count() == group.moments.count());
  CHECK(back.moments.shift() == group.moments.shift());
  CHECK(back.moments.shifted_mean() == group.moments.shifted_mean());
  CHECK(back.moments.comoment() == group.moments.comoment());
  REQUIRE(back.standards.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(back.standards[i].shift == group.standards[i].shift);
    CHECK(back.standards[i].scale == group.standards[i].scale);
  }
  CHECK_THROWS_AS(group_reference_from_json(group_reference_json(group), 3), InputError);
}

TEST_CASE("A captured reference builds its pairs and groups from the same rows") {
  const config::Config config = config::parse_config(R"({
    "storage": {"path": "unused.db"},
    "streams": [{"name": "s", "source": {"type": "http"},
      "window": {"type": "count", "events": 6},
      "reference": {"type": "capture", "events": 6, "min_values": 2},
      "features": [
        {"name": "x", "path": "/x", "type": "numeric", "binning": "edges", "edges": [0, 10]},
        {"name": "c", "path": "/c", "type": "categorical"},
        {"name": "y", "path": "/y", "type": "numeric", "binning": "edges", "edges": [5]}],
      "pairs": [{"name": "c|x", "x": "c", "y": "x"}],
      "groups": [{"name": "xy", "features": ["x", "y"]}]}]})");
  const config::StreamConfig& stream = config.streams[0];
  const StreamSchema schema = make_stream_schema(stream);
  ReferenceCapture capture(stream, schema, window_spec(stream));
  ingest::EventDecoder decoder(schema.decoder, capture.resolvers());
  ingest::DecodedBatch batch;
  // "b" first: the capture's id for "b" is 0, the dictionary's bin for "a"
  // (the most frequent) is 0.
  std::string body =
      "{\"x\": 5, \"c\": \"b\", \"y\": 7}\n"
      "{\"x\": -1, \"c\": \"a\", \"y\": 1}\n"
      "{\"x\": 15, \"c\": \"a\", \"y\": 7}\n"
      "{\"x\": 5, \"y\": 2}\n"
      "{\"x\": \"bad\", \"c\": \"a\", \"y\": 3}\n"
      "{\"x\": 6, \"c\": \"b\", \"y\": 9}\n";
  const std::size_t size = body.size();
  body.append(ingest::kJsonPadding, ' ');
  decoder.decode_ndjson(std::string_view(body.data(), size), body.size(), batch);
  capture.absorb(batch, 0, 0);
  REQUIRE(capture.complete());
  const std::vector<FeatureReference> features = capture.build();
  REQUIRE(features[1].bins.dictionary().bin_count() == 3);  // a, b, __other__

  const std::vector<PairReference> pairs = capture.build_pairs(features);
  REQUIRE(pairs.size() == 1);
  // c (a, b, __other__) by x ((-inf,0), [0,10), [10,inf)).
  CHECK(pairs[0].cells == std::vector<uint64_t>{1, 0, 1,  //
                                                0, 2, 0,  //
                                                0, 0, 0});
  CHECK(pairs[0].incomplete == 2);  // c missing; x invalid

  const std::vector<GroupReference> groups = capture.build_groups();
  REQUIRE(groups.size() == 1);
  REQUIRE(groups[0].present());
  CHECK(groups[0].moments.count() == 5);  // every row but the invalid x
  CHECK(groups[0].moments.mean()[0] == Approx(6.0));
}

}  // namespace
}  // namespace driftd
