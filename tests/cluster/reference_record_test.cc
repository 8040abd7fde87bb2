// A stream's reference in cluster mode, as bytes: the documented example,
// round trips of references the real builders make and of random ones,
// decoded references binning exactly as the encoded ones, and refusals of
// truncated, corrupt, crafted, non-canonical and misfitting encodings
// (reference_record.h).
#include "cluster/reference_record.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "config/config_parser.h"
#include "pipeline/feature_reference.h"
#include "pipeline/joint_reference.h"
#include "support/format_bytes.h"

namespace driftd::cluster {
namespace {

using testing::append;
using testing::bitwise_crc32c;
using testing::check_every_damage_refused;
using testing::sealed;
using testing::to_bytes;

constexpr std::uint64_t kAllOnes = std::numeric_limits<std::uint64_t>::max();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::uint64_t bits(double value) { return std::bit_cast<std::uint64_t>(value); }

config::StreamConfig stream_of(const std::string& json) {
  return config::parse_config(R"({"storage": {"path": "unused.db"}, "streams": [)" + json + "]}")
      .streams.at(0);
}

// The stream of docs/histogram-format.md's example: a numeric feature with
// edges, a categorical one, a numeric one left without reference, the pair
// c|x and the group xy.
const std::string kDocumentedStream = R"({"name": "s1", "source": {"type": "http"},
  "window": {"type": "tumbling", "size": "1m"},
  "features": [
    {"name": "x", "path": "/x", "type": "numeric", "binning": "edges", "edges": [0, 1]},
    {"name": "c", "path": "/c", "type": "categorical"},
    {"name": "y", "path": "/y", "type": "numeric"}],
  "pairs": [{"name": "c|x", "x": "c", "y": "x"}],
  "groups": [{"name": "xy", "features": ["x", "y"]}]})";

const config::StreamConfig& documented_stream() {
  static const config::StreamConfig stream = stream_of(kDocumentedStream);
  return stream;
}

// The record of the example: x has edges {0, 1}, counts 1 0 3, 1 missing,
// mean 2 and variance 6 (the values -1, 2, 2, 5); c has the categories a
// and b, counts 2 1 0, 2 missing; y none; the pair c|x counts (a, -1),
// (a, 2), (b, 2) and 2 incomplete rows; the group xy none.
ReferenceRecord documented_record() {
  ReferenceRecord record;
  record.stream = "s1";
  record.version = 3;
  record.origin = "capture";
  record.created_at_ms = 1700000000000;
  FeatureReference x;
  x.version = 3;
  x.bins = FeatureBins::numeric(NumericBinning::explicit_edges(std::vector<double>{0, 1}));
  x.counts = {1, 0, 3};
  x.missing = 1;
  x.moments = MeanVariance{2, 6};
  FeatureReference c;
  c.version = 3;
  c.bins = FeatureBins::categorical(CategoryDictionary::from_categories({"a", "b"}));
  c.counts = {2, 1, 0};
  c.missing = 2;
  PairReference pair;
  pair.version = 3;
  pair.x_bins = 3;
  pair.y_bins = 3;
  pair.cells = {1, 0, 1, 0, 0, 1, 0, 0, 0};
  pair.incomplete = 2;
  record.references.features = {x, c, FeatureReference{}};
  record.references.pairs = {pair};
  record.references.groups = {GroupReference{}};
  return record;
}

// Its bytes, field by field as the format's tables describe them.
const std::vector<std::uint8_t> kDocumentedBytes = {
    0x44, 0x52, 0x45, 0x46,                          // magic "DREF"
    0x01,                                            // version 1
    0x00, 0x00, 0x00,                                // reserved
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // reference version 3
    0x00, 0x68, 0xe5, 0xcf, 0x8b, 0x01, 0x00, 0x00,  // created at 1700000000000
    0x03, 0x00, 0x00, 0x00,                          // 3 features
    0x01, 0x00, 0x00, 0x00,                          // 1 pair
    0x01, 0x00, 0x00, 0x00,                          // 1 group
    0x02, 's',  '1',                                 // stream "s1"
    0x07, 0x00, 'c',  'a',  'p',  't',  'u',  'r',  'e',  // origin "capture"
    0x01, 'x',                                       // feature "x"
    0x01,                                            //   numeric
    0x02, 0x00, 0x00, 0x00,                          //   2 edges
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   0
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f,  //   1
    0x02,                                            //   counts: 2 runs
    0x00, 0x01, 0x01,                                //     0 zeros, 1 literal: 1
    0x01, 0x01, 0x03,                                //     1 zero, 1 literal: 3
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   missing 1
    0x01,                                            //   moments
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,  //     mean 2
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18, 0x40,  //     variance 6
    0x01, 'c',                                       // feature "c"
    0x02,                                            //   categorical
    0x02, 0x00, 0x00, 0x00,                          //   2 categories
    0x01, 'a',                                       //     "a"
    0x01, 'b',                                       //     "b"
    0x01,                                            //   counts: 1 run
    0x00, 0x02, 0x02, 0x01,                          //     0 zeros, 2 literals: 2, 1
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   missing 2
    0x00,                                            //   no moments
    0x01, 'y',                                       // feature "y"
    0x00,                                            //   no reference
    0x03, 'c',  '|',  'x',                           // pair "c|x"
    0x01,                                            //   present
    0x03, 0x00, 0x00, 0x00,                          //   x bins 3
    0x03, 0x00, 0x00, 0x00,                          //   y bins 3
    0x03,                                            //   cells: 3 runs
    0x00, 0x01, 0x01,                                //     0 zeros, 1 literal: 1
    0x01, 0x01, 0x01,                                //     1 zero, 1 literal: 1
    0x02, 0x01, 0x01,                                //     2 zeros, 1 literal: 1
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //   incomplete 2
    0x02, 'x',  'y',                                 // group "xy"
    0x00,                                            //   no reference
    0xb1, 0xeb, 0xa9, 0xa4,                          // CRC-32C 0xa4a9ebb1
};

std::vector<std::uint64_t> bits_of(std::span<const double> values) {
  std::vector<std::uint64_t> out;
  for (const double value : values) out.push_back(bits(value));
  return out;
}

// `decoded` is `record` as the format promises: every field equal, doubles
// bit for bit, bins by their JSON form and layout, ids 0, every present
// entry of the record's version, absent entries absent.
void check_same(const ReferenceRecord& decoded, const ReferenceRecord& record) {
  REQUIRE(decoded.stream == record.stream);
  REQUIRE(decoded.version == record.version);
  REQUIRE(decoded.origin == record.origin);
  REQUIRE(decoded.created_at_ms == record.created_at_ms);
  const StreamReferences& got = decoded.references;
  const StreamReferences& want = record.references;
  REQUIRE(got.features.size() == want.features.size());
  for (std::size_t f = 0; f < want.features.size(); ++f) {
    INFO("feature " << f);
    const FeatureReference& a = got.features[f];
    const FeatureReference& b = want.features[f];
    REQUIRE(a.id == 0);
    REQUIRE(a.present() == b.present());
    if (!a.present()) {
      REQUIRE(a.version == 0);
      continue;
    }
    REQUIRE(a.version == record.version);
    REQUIRE(a.bins.is_numeric() == b.bins.is_numeric());
    REQUIRE(a.bins.to_json() == b.bins.to_json());
    REQUIRE(a.bins.layout() == b.bins.layout());
    if (a.bins.is_numeric()) {
      REQUIRE(bits_of(a.bins.binning().edges()) == bits_of(b.bins.binning().edges()));
    }
    REQUIRE(a.counts == b.counts);
    REQUIRE(a.missing == b.missing);
    REQUIRE(a.moments.has_value() == b.moments.has_value());
    if (a.moments) {
      REQUIRE(bits(a.moments->mean) == bits(b.moments->mean));
      REQUIRE(bits(a.moments->variance) == bits(b.moments->variance));
    }
  }
  REQUIRE(got.pairs.size() == want.pairs.size());
  for (std::size_t p = 0; p < want.pairs.size(); ++p) {
    INFO("pair " << p);
    const PairReference& a = got.pairs[p];
    const PairReference& b = want.pairs[p];
    REQUIRE(a.id == 0);
    REQUIRE(a.present() == b.present());
    if (!a.present()) continue;
    REQUIRE(a.version == record.version);
    REQUIRE(a.x_bins == b.x_bins);
    REQUIRE(a.y_bins == b.y_bins);
    REQUIRE(a.cells == b.cells);
    REQUIRE(a.incomplete == b.incomplete);
  }
  REQUIRE(got.groups.size() == want.groups.size());
  for (std::size_t g = 0; g < want.groups.size(); ++g) {
    INFO("group " << g);
    const GroupReference& a = got.groups[g];
    const GroupReference& b = want.groups[g];
    REQUIRE(a.id == 0);
    REQUIRE(a.present() == b.present());
    if (!a.present()) continue;
    REQUIRE(a.version == record.version);
    REQUIRE(a.moments.count() == b.moments.count());
    REQUIRE(bits_of(a.moments.shift()) == bits_of(b.moments.shift()));
    REQUIRE(bits_of(a.moments.shifted_mean()) == bits_of(b.moments.shifted_mean()));
    REQUIRE(bits_of(a.moments.comoment()) == bits_of(b.moments.comoment()));
    REQUIRE(a.standards.size() == b.standards.size());
    for (std::size_t i = 0; i < a.standards.size(); ++i) {
      REQUIRE(bits(a.standards[i].shift) == bits(b.standards[i].shift));
      REQUIRE(bits(a.standards[i].scale) == bits(b.standards[i].scale));
    }
  }
}

// Values that probe every bin boundary of `bins`: each edge, the doubles
// next to it, -0, the infinities, NaN, subnormals and the extremes.
std::vector<double> probes(const NumericBinning& binning) {
  std::vector<double> out = {0.0,
                             -0.0,
                             kInfinity,
                             -kInfinity,
                             kNaN,
                             std::numeric_limits<double>::denorm_min(),
                             -std::numeric_limits<double>::denorm_min(),
                             std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::lowest()};
  for (const double edge : binning.edges()) {
    out.push_back(edge);
    out.push_back(std::nextafter(edge, kInfinity));
    out.push_back(std::nextafter(edge, -kInfinity));
  }
  return out;
}

// A decoded reference bins as the encoded one: numeric bins through their
// BatchBinner (the hot path's), categorical ones through their dictionary.
void check_bins_alike(const ReferenceRecord& decoded, const ReferenceRecord& record,
                      std::span<const std::string> category_probes) {
  for (std::size_t f = 0; f < record.references.features.size(); ++f) {
    INFO("feature " << f);
    const FeatureBins& want = record.references.features[f].bins;
    const FeatureBins& got = decoded.references.features[f].bins;
    if (want.empty()) continue;
    if (want.is_numeric()) {
      const std::vector<double> values = probes(want.binning());
      std::vector<std::uint32_t> want_bins(values.size());
      std::vector<std::uint32_t> got_bins(values.size());
      want.binner().assign(values, want_bins);
      got.binner().assign(values, got_bins);
      CHECK(got_bins == want_bins);
    } else {
      std::vector<std::string> values(category_probes.begin(), category_probes.end());
      for (const std::string& category : want.dictionary().categories()) values.push_back(category);
      for (const std::string& value : values) {
        CHECK(got.dictionary().bin_of(value) == want.dictionary().bin_of(value));
      }
    }
  }
}

void check_round_trip(const ReferenceRecord& record, const config::StreamConfig& stream) {
  const std::vector<std::byte> bytes = encode_reference_record(record, stream);
  const ReferenceRecord decoded = decode_reference_record(bytes, stream);
  check_same(decoded, record);
  const std::vector<std::string> category_probes = {"", "__other__", "never seen", "US", "a"};
  check_bins_alike(decoded, record, category_probes);
  REQUIRE(encode_reference_record(decoded, stream) == bytes);
}

TEST_CASE("A reference record encodes to the bytes docs/histogram-format.md shows") {
  const std::vector<std::byte> expected = to_bytes(kDocumentedBytes);
  const std::vector<std::byte> encoded =
      encode_reference_record(documented_record(), documented_stream());
  REQUIRE(encoded.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("byte " << i);
    CHECK(encoded[i] == expected[i]);
  }
  CHECK(expected.size() == 170);
  CHECK(bitwise_crc32c(std::span(expected).first(expected.size() - 4)) == 0xa4a9ebb1u);
  check_same(decode_reference_record(expected, documented_stream()), documented_record());
}

// The stream of the builders' round trip: quantile, uniform and edges
// binning, a categorical feature, a feature no value reached (no
// reference), pairs over each, groups of two and three features and one
// over the feature without values.
const std::string kBuiltStream = R"({"name": "orders", "source": {"type": "http"},
  "window": {"type": "tumbling", "size": "1m"},
  "features": [
    {"name": "q", "path": "/q", "type": "numeric", "binning": "quantile", "bins": 8},
    {"name": "u", "path": "/u", "type": "numeric", "binning": "uniform", "bins": 5},
    {"name": "e", "path": "/e", "type": "numeric", "binning": "edges", "edges": [-1, 0, 2.5]},
    {"name": "c", "path": "/c", "type": "categorical", "max_categories": 4},
    {"name": "z", "path": "/z", "type": "numeric"}],
  "pairs": [{"name": "c|q", "x": "c", "y": "q"}, {"name": "e|u", "x": "e", "y": "u"},
            {"name": "q|z", "x": "q", "y": "z"}],
  "groups": [{"name": "qu", "features": ["q", "u"]},
             {"name": "que", "features": ["q", "u", "e"]},
             {"name": "uz", "features": ["u", "z"]}]})";

// The rows' bins of one feature for a pair: its bin, or the bin count for a
// missing value (pair_reference()).
std::vector<std::uint32_t> numeric_rows(const FeatureReference& reference,
                                        std::span<const double> values) {
  std::vector<std::uint32_t> out(values.size());
  reference.bins.binner().assign(values, out);
  return out;
}

std::vector<std::uint32_t> categorical_rows(const FeatureReference& reference,
                                            std::span<const std::optional<std::string>> values) {
  std::vector<std::uint32_t> out;
  for (const std::optional<std::string>& value : values) {
    out.push_back(static_cast<std::uint32_t>(value ? reference.bins.dictionary().bin_of(*value)
                                                   : reference.bins.bin_count()));
  }
  return out;
}

// A record as a capture would build it from `rows` random rows.
ReferenceRecord built_record(const config::StreamConfig& stream, std::uint64_t seed,
                             std::size_t rows) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal(1.7e12, 3e5);
  std::uniform_real_distribution<double> uniform(-1e6, 1e6);
  std::uniform_real_distribution<double> unit(0, 1);
  const std::array<std::string, 6> kCategories = {"US", "DE", "", "__other__", "FR\xc3\xa9", "JP"};
  std::vector<double> q, u, e, z;
  std::vector<std::optional<std::string>> c;
  for (std::size_t r = 0; r < rows; ++r) {
    // A point mass at 1.7e12 (a third of the rows) gives q its
    // nextafter edge; some values of each feature are missing.
    q.push_back(unit(random) < 0.05 ? kNaN : (unit(random) < 0.3 ? 1.7e12 : normal(random)));
    u.push_back(unit(random) < 0.05 ? kNaN : uniform(random));
    e.push_back(unit(random) < 0.1 ? kInfinity : 4 * unit(random) - 2);
    z.push_back(kNaN);
    if (unit(random) < 0.1) {
      c.push_back(std::nullopt);
    } else {
      // Skewed: the first categories most often.
      const auto index = static_cast<std::size_t>(std::pow(unit(random), 2) * kCategories.size());
      c.push_back(kCategories[index]);
    }
  }
  ReferenceRecord record;
  record.stream = stream.name;
  record.version = static_cast<std::int64_t>(1 + seed % 1000);
  record.origin = "capture";
  record.created_at_ms = 1700000000000 + static_cast<std::int64_t>(seed);
  std::vector<FeatureReference>& features = record.references.features;
  features.push_back(numeric_reference(stream.features[0], q));
  features.push_back(numeric_reference(stream.features[1], u));
  features.push_back(numeric_reference(stream.features[2], e));
  std::vector<std::string_view> present;
  std::uint64_t missing = 0;
  for (const std::optional<std::string>& value : c) {
    if (value) {
      present.push_back(*value);
    } else {
      ++missing;
    }
  }
  features.push_back(categorical_reference(stream.features[3], present, missing));
  features.emplace_back();  // z: no value, no reference
  for (FeatureReference& feature : features) {
    if (feature.present()) feature.version = record.version;
  }
  const auto rows_of = [&](std::size_t f) {
    if (f == 3) return categorical_rows(features[f], c);
    if (!features[f].present()) return std::vector<std::uint32_t>(rows, 0);
    const std::array<const std::vector<double>*, 3> columns = {&q, &u, &e};
    return numeric_rows(features[f], *columns[f]);
  };
  for (const config::PairConfig& pair : stream.pairs) {
    PairReference reference;
    if (features[pair.x_index].present() && features[pair.y_index].present()) {
      reference = pair_reference(rows_of(pair.x_index), rows_of(pair.y_index),
                                 features[pair.x_index].bins.bin_count(),
                                 features[pair.y_index].bins.bin_count());
      reference.version = record.version;
    }
    record.references.pairs.push_back(reference);
  }
  const std::array<const std::vector<double>*, 5> numeric = {&q, &u, &e, nullptr, &z};
  for (const config::GroupConfig& group : stream.groups) {
    std::vector<std::span<const double>> columns;
    for (const std::size_t index : group.feature_indices) columns.emplace_back(*numeric[index]);
    GroupReference reference = group_reference(columns);
    if (reference.present()) reference.version = record.version;
    record.references.groups.push_back(reference);
  }
  return record;
}

TEST_CASE("References the builders make survive encoding and bin as before") {
  const config::StreamConfig stream = stream_of(kBuiltStream);
  for (const std::uint64_t seed : {1, 2, 3, 20261204}) {
    INFO("seed " << seed);
    const ReferenceRecord record = built_record(stream, seed, 200 + 100 * (seed % 5));
    // What the stream's configuration and the rows give.
    const StreamReferences& references = record.references;
    REQUIRE(references.features[0].bins.bin_count() <= 8);
    REQUIRE(references.features[0].moments.has_value());
    REQUIRE(references.features[1].bins.bin_count() == 5);
    REQUIRE(references.features[2].bins.bin_count() == 4);
    REQUIRE(references.features[3].bins.bin_count() == 5);  // 4 categories and __other__
    REQUIRE_FALSE(references.features[4].present());
    REQUIRE(references.pairs[0].present());
    REQUIRE(references.pairs[1].present());
    REQUIRE_FALSE(references.pairs[2].present());
    REQUIRE(references.groups[0].present());
    REQUIRE(references.groups[1].present());
    REQUIRE_FALSE(references.groups[2].present());
    // q's point mass at 1.7e12 has its own bin [1.7e12, nextafter).
    const auto edges = references.features[0].bins.binning().edges();
    REQUIRE(std::find(edges.begin(), edges.end(), std::nextafter(1.7e12, kInfinity)) !=
            edges.end());
    check_round_trip(record, stream);
  }
}

TEST_CASE("The leftovers of an absent pair or group are not encoded") {
  const config::StreamConfig stream = stream_of(kBuiltStream);
  ReferenceRecord record = built_record(stream, 7, 300);
  // pair_reference() of rows that are all incomplete keeps its bin counts
  // and the rows; group_reference() of too few rows, their moments.
  record.references.pairs[1] = pair_reference(std::vector<std::uint32_t>{4, 4},
                                              std::vector<std::uint32_t>{0, 1}, 4, 5);
  REQUIRE_FALSE(record.references.pairs[1].present());
  REQUIRE(record.references.pairs[1].incomplete == 2);
  const std::vector<double> one{1, 2};
  const std::vector<std::span<const double>> columns{one, one};
  record.references.groups[0] = group_reference(columns);
  REQUIRE_FALSE(record.references.groups[0].present());
  REQUIRE(record.references.groups[0].moments.count() == 2);
  const ReferenceRecord decoded =
      decode_reference_record(encode_reference_record(record, stream), stream);
  check_same(decoded, record);
  CHECK(decoded.references.pairs[1].x_bins == 0);
  CHECK(decoded.references.pairs[1].incomplete == 0);
  CHECK(decoded.references.groups[0].moments.count() == 0);
  CHECK(decoded.references.groups[0].moments.dimension() == 1);
}

// Random references over the documented stream's shape: edges anywhere in
// the doubles (duplicates, subnormals, the extremes), categories of any
// UTF-8 ("__other__" too), origins of any bytes, counts sparse and dense up
// to 2^64 - 1, moments of any finite bits.
class RecordGenerator {
 public:
  explicit RecordGenerator(std::uint64_t seed) : random_(seed) {}

  ReferenceRecord next() {
    ReferenceRecord record;
    record.stream = "s1";
    record.version = static_cast<std::int64_t>(
        below(3) == 0 ? kAllOnes >> 1 : 1 + below(1000));
    record.origin = below(4) == 0 ? std::string(kMaxReferenceOriginBytes, '\x80')
                                  : text(below(30));
    record.created_at_ms = static_cast<std::int64_t>(random_());
    StreamReferences& references = record.references;
    references.features = {below(5) == 0 ? FeatureReference{} : numeric(record.version),
                           below(5) == 0 ? FeatureReference{} : categorical(record.version),
                           below(2) == 0 ? FeatureReference{} : numeric(record.version)};
    PairReference pair;
    const FeatureReference& c = references.features[1];
    const FeatureReference& x = references.features[0];
    if (c.present() && x.present() && below(4) != 0) {
      pair.version = record.version;
      pair.x_bins = c.bins.bin_count();
      pair.y_bins = x.bins.bin_count();
      pair.cells = counts(pair.x_bins * pair.y_bins);
      pair.incomplete = word();
    }
    references.pairs = {pair};
    references.groups = {below(3) == 0 ? GroupReference{} : group(record.version)};
    return record;
  }

 private:
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(random_() % n); }
  std::string text(std::size_t length) {
    std::string out;
    for (std::size_t i = 0; i < length; ++i) out.push_back(static_cast<char>(below(256)));
    return out;
  }
  // `length` characters of UTF-8: any ASCII (NUL too) and characters of 2,
  // 3 and 4 bytes, the largest code point among them.
  std::string utf8(std::size_t length) {
    static constexpr std::array<std::string_view, 6> kWide = {
        "\xc3\xa9",         "\xdf\xbf",         "\xe6\x97\xa5",
        "\xef\xbf\xbd",     "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf"};
    std::string out;
    for (std::size_t i = 0; i < length; ++i) {
      if (below(3) == 0) {
        out += kWide[below(kWide.size())];
      } else {
        out.push_back(static_cast<char>(below(128)));
      }
    }
    return out;
  }
  std::uint64_t word() {
    switch (below(4)) {
      case 0: return 0;
      case 1: return kAllOnes;
      case 2: return random_();
      default: return below(300);
    }
  }
  double finite() {
    switch (below(6)) {
      case 0: return std::numeric_limits<double>::max();
      case 1: return std::numeric_limits<double>::lowest();
      case 2: return std::numeric_limits<double>::denorm_min();
      case 3: return -0.0;
      default: {
        const double value = std::bit_cast<double>(random_());
        return std::isfinite(value) ? value : 0.5;
      }
    }
  }
  // Non-zero, adding up to at most 2^64 - 1: one word at the top, or small
  // ones.
  std::vector<std::uint64_t> counts(std::size_t size) {
    std::vector<std::uint64_t> out(size, 0);
    if (below(4) == 0) {
      out[below(size)] = kAllOnes;
      return out;
    }
    const double density = below(2) == 0 ? 0.1 : 1.0;
    for (std::uint64_t& count : out) {
      if (static_cast<double>(below(1000)) < density * 1000) count = random_() >> 16;
    }
    out[below(size)] = 1 + below(1000);
    return out;
  }
  FeatureReference numeric(std::int64_t version) {
    std::vector<double> edges;
    const std::size_t count = below(4) == 0 ? 0 : below(40);
    for (std::size_t i = 0; i < count; ++i) edges.push_back(finite());
    if (!edges.empty() && below(3) == 0) edges.push_back(edges.front());  // a duplicate
    std::sort(edges.begin(), edges.end());
    FeatureReference out;
    out.version = version;
    out.bins = FeatureBins::numeric(NumericBinning::explicit_edges(edges));
    out.counts = counts(out.bins.bin_count());
    out.missing = word();
    if (below(3) != 0) out.moments = MeanVariance{finite(), std::fabs(finite())};
    return out;
  }
  FeatureReference categorical(std::int64_t version) {
    std::vector<std::string> categories;
    const std::size_t count = below(4) == 0 ? 0 : below(30);
    for (std::size_t i = 0; i < count; ++i) {
      std::string category = below(8) == 0 ? "__other__" : utf8(below(4) == 0 ? 200 : below(6));
      if (std::find(categories.begin(), categories.end(), category) == categories.end()) {
        categories.push_back(std::move(category));
      }
    }
    FeatureReference out;
    out.version = version;
    out.bins = FeatureBins::categorical(CategoryDictionary::from_categories(categories));
    out.counts = counts(out.bins.bin_count());
    out.missing = word();
    return out;
  }
  GroupReference group(std::int64_t version) {
    std::vector<double> shift;
    std::vector<double> shifted_mean;
    std::vector<double> comoment;
    for (int i = 0; i < 2; ++i) shift.push_back(finite());
    for (int i = 0; i < 2; ++i) shifted_mean.push_back(finite());
    for (int i = 0; i < 4; ++i) comoment.push_back(finite());
    GroupReference out;
    out.version = version;
    out.moments = MomentAccumulator::from_moments(below(2) == 0 ? 3 : 3 + (random_() >> 1), shift,
                                                  shifted_mean, comoment);
    for (int i = 0; i < 2; ++i) {
      const double scale = std::fabs(finite());
      out.standards.push_back({finite(), scale > 0 ? scale : 1.0});
    }
    return out;
  }

  std::mt19937_64 random_;
};

TEST_CASE("Random reference records survive encoding, and their bytes re-encode to themselves") {
  RecordGenerator generator(20261205);
  for (int i = 0; i < 300; ++i) {
    INFO("record " << i);
    check_round_trip(generator.next(), documented_stream());
  }
}

TEST_CASE("Reference records at their bounds survive encoding") {
  ReferenceRecord record = documented_record();
  std::vector<FeatureReference>& features = record.references.features;
  PairReference& pair = record.references.pairs[0];
  const auto set_pair = [&] {
    pair.x_bins = features[1].bins.bin_count();
    pair.y_bins = features[0].bins.bin_count();
    pair.cells.assign(pair.x_bins * pair.y_bins, 0);
    pair.cells.back() = kAllOnes;
  };
  SECTION("the most edges, and the most cells for them: 16 x 4096") {
    std::vector<double> edges;
    for (std::size_t i = 0; i + 1 < kMaxNumericBins; ++i) edges.push_back(static_cast<double>(i));
    features[0].bins = FeatureBins::numeric(NumericBinning::explicit_edges(edges));
    features[0].counts.assign(kMaxNumericBins, 1);
    std::vector<std::string> categories;
    for (char c = 'a'; c < 'a' + 15; ++c) categories.emplace_back(1, c);
    features[1].bins = FeatureBins::categorical(CategoryDictionary::from_categories(categories));
    features[1].counts.assign(16, 1);
    set_pair();
    REQUIRE(pair.cells.size() == config::kMaxPairCells);
  }
  SECTION("the most categories") {
    std::vector<std::string> categories;
    for (std::size_t i = 0; i < kMaxCategories; ++i) categories.push_back(std::to_string(i));
    features[1].bins = FeatureBins::categorical(CategoryDictionary::from_categories(categories));
    features[1].counts.assign(kMaxCategories + 1, 0);
    features[1].counts[7] = 1;
    record.references.pairs[0] = PairReference{};  // 65536 x 3 cells: more than a pair may have
  }
  SECTION("the longest category, and an empty one") {
    features[1].bins = FeatureBins::categorical(CategoryDictionary::from_categories(
        {std::string(kMaxReferenceCategoryBytes - 4, 'a') + "\xf4\x8f\xbf\xbf", ""}));
  }
  SECTION("the longest origin") {
    record.origin.assign(kMaxReferenceOriginBytes, '\0');
  }
  SECTION("counts adding up to 2^64 - 1") {
    features[0].counts = {kAllOnes - 4, 1, 3};
    set_pair();
  }
  SECTION("every entry absent") {
    for (FeatureReference& feature : features) feature = FeatureReference{};
    pair = PairReference{};
  }
  SECTION("the largest version, any creation time") {
    record.version = std::numeric_limits<std::int64_t>::max();
    record.created_at_ms = std::numeric_limits<std::int64_t>::min();
    for (FeatureReference& feature : features) {
      if (feature.present()) feature.version = record.version;
    }
    pair.version = record.version;
  }
  check_round_trip(record, documented_stream());
}

TEST_CASE("Every truncation, deletion and bit flip of a reference record is refused") {
  check_every_damage_refused(to_bytes(kDocumentedBytes), [](std::span<const std::byte> bytes) {
    return decode_reference_record(bytes, documented_stream());
  });
}

// A reference record of the documented stream written field by field, any
// field as the test wants it, sealed with a valid CRC: what a buggy
// publisher or a damaged references topic could hand an instance. By
// default the documented record with its group present.
struct Crafted {
  std::uint8_t version = 1;
  std::array<std::uint8_t, 3> reserved{};
  std::int64_t reference_version = 3;
  std::uint32_t feature_count = 3;
  std::uint32_t pair_count = 1;
  std::uint32_t group_count = 1;
  std::vector<std::uint8_t> stream = {0x02, 's', '1'};  // length first
  std::uint16_t origin_length = 7;
  std::string origin = "capture";

  // Feature x.
  std::vector<std::uint8_t> x_name = {0x01, 'x'};
  std::uint8_t x_kind = 1;
  std::uint32_t edge_count = 2;
  std::vector<double> edges = {0, 1};
  std::vector<std::uint8_t> x_counts = {0x02, 0x00, 0x01, 0x01, 0x01, 0x01, 0x03};
  std::uint8_t x_moments = 1;
  double mean = 2;
  double variance = 6;
  // Feature c.
  std::uint8_t c_kind = 2;
  std::uint32_t category_count = 2;
  std::vector<std::uint8_t> categories = {0x01, 'a', 0x01, 'b'};  // each its length first
  std::vector<std::uint8_t> c_counts = {0x01, 0x00, 0x02, 0x02, 0x01};
  std::uint8_t c_moments = 0;
  // Feature y.
  std::uint8_t y_kind = 0;
  // Pair c|x.
  std::vector<std::uint8_t> pair_name = {0x03, 'c', '|', 'x'};
  std::uint8_t pair_presence = 1;
  std::uint32_t x_bins = 3;
  std::uint32_t y_bins = 3;
  std::vector<std::uint8_t> cells = {0x03, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x02, 0x01, 0x01};
  // Group xy.
  std::vector<std::uint8_t> group_name = {0x02, 'x', 'y'};
  std::uint8_t group_presence = 1;
  std::uint32_t dimension = 2;
  std::uint64_t rows = 3;
  std::vector<double> moments = {1, 2, 0.5, 0.25, 2, 1, 1, 2};  // shift, shifted mean, co-moments
  std::vector<double> standards = {1.5, 1, 2.25, 1};           // (shift, scale) per feature
  std::vector<std::byte> trailing;

  std::vector<std::byte> bytes() const {
    std::vector<std::byte> out = to_bytes({'D', 'R', 'E', 'F', version});
    for (std::uint8_t byte : reserved) append(out, byte, 1);
    append(out, static_cast<std::uint64_t>(reference_version), 8);
    append(out, 1700000000000, 8);
    append(out, feature_count, 4);
    append(out, pair_count, 4);
    append(out, group_count, 4);
    add(out, stream);
    append(out, origin_length, 2);
    for (char c : origin) append(out, static_cast<std::uint8_t>(c), 1);

    // A feature of kind 0 has nothing after its kind.
    add(out, x_name);
    append(out, x_kind, 1);
    if (x_kind != 0) {
      append(out, edge_count, 4);
      for (double edge : edges) append(out, bits(edge), 8);
      add(out, x_counts);
      append(out, 1, 8);  // missing
      append(out, x_moments, 1);
      if (x_moments == 1) {
        append(out, bits(mean), 8);
        append(out, bits(variance), 8);
      }
    }

    add(out, {0x01, 'c'});
    append(out, c_kind, 1);
    if (c_kind != 0) {
      append(out, category_count, 4);
      add(out, categories);
      add(out, c_counts);
      append(out, 2, 8);  // missing
      append(out, c_moments, 1);
      if (c_moments == 1) {
        append(out, bits(2.0), 8);
        append(out, bits(1.0), 8);
      }
    }

    add(out, {0x01, 'y'});
    append(out, y_kind, 1);

    add(out, pair_name);
    append(out, pair_presence, 1);
    if (pair_presence == 1) {
      append(out, x_bins, 4);
      append(out, y_bins, 4);
      add(out, cells);
      append(out, 2, 8);  // incomplete
    }

    add(out, group_name);
    append(out, group_presence, 1);
    if (group_presence == 1) {
      append(out, dimension, 4);
      append(out, rows, 8);
      for (double value : moments) append(out, bits(value), 8);
      for (double value : standards) append(out, bits(value), 8);
    }
    out.insert(out.end(), trailing.begin(), trailing.end());
    return sealed(std::move(out));
  }

 private:
  static void add(std::vector<std::byte>& out, const std::vector<std::uint8_t>& values) {
    for (std::uint8_t value : values) append(out, value, 1);
  }
};

void check_refused(const Crafted& crafted, const std::string& message) {
  CHECK_THROWS_WITH(decode_reference_record(crafted.bytes(), documented_stream()),
                    Catch::Contains(message));
}

TEST_CASE("A crafted reference record with a valid checksum decodes as the format says") {
  const ReferenceRecord decoded = decode_reference_record(Crafted().bytes(), documented_stream());
  ReferenceRecord expected = documented_record();
  GroupReference& group = expected.references.groups[0];
  group.version = 3;
  group.moments = MomentAccumulator::from_moments(3, {1, 2}, {0.5, 0.25}, {2, 1, 1, 2});
  group.standards = {{1.5, 1}, {2.25, 1}};
  check_same(decoded, expected);
  CHECK(decoded.references.groups[0].moments.mean() == std::vector<double>{1.5, 2.25});
  CHECK(encode_reference_record(decoded, documented_stream()) == Crafted().bytes());
  // Without the group, the documented bytes.
  Crafted documented;
  documented.group_presence = 0;
  CHECK(documented.bytes() == to_bytes(kDocumentedBytes));
}

TEST_CASE("Reference record headers out of the format are refused, checksum or not") {
  Crafted crafted;
  SECTION("bad magic") {
    std::vector<std::byte> bytes = crafted.bytes();
    bytes[3] = std::byte{'G'};
    CHECK_THROWS_WITH(decode_reference_record(bytes, documented_stream()),
                      Catch::Contains("not a reference record (bad magic)"));
  }
  SECTION("another version, before the checksum is looked at") {
    crafted.version = 2;
    std::vector<std::byte> bytes = crafted.bytes();
    bytes.back() ^= std::byte{1};
    CHECK_THROWS_WITH(decode_reference_record(bytes, documented_stream()),
                      Catch::Contains("unknown format version 2"));
  }
  SECTION("a wrong checksum") {
    std::vector<std::byte> bytes = crafted.bytes();
    bytes.back() ^= std::byte{0x80};
    CHECK_THROWS_WITH(decode_reference_record(bytes, documented_stream()),
                      Catch::Contains("CRC mismatch"));
  }
  SECTION("a short record") {
    CHECK_THROWS_WITH(
        decode_reference_record(to_bytes({'D', 'R', 'E', 'F', 1, 0, 0, 0}), documented_stream()),
        Catch::Contains("truncated (8 bytes, at least 44)"));
  }
  for (std::size_t i = 0; i < 3; ++i) {
    SECTION("reserved byte " + std::to_string(i)) {
      crafted.reserved[i] = 0x01;
      check_refused(crafted, "non-zero reserved bytes");
    }
  }
  SECTION("reference version 0") {
    crafted.reference_version = 0;
    check_refused(crafted, "reference record version 0 is not >= 1");
  }
  SECTION("a negative reference version") {
    crafted.reference_version = -3;
    check_refused(crafted, "version -3 is not >= 1");
  }
  SECTION("an empty stream") {
    crafted.stream = {0x00};
    check_refused(crafted, "empty stream");
  }
  SECTION("a stream longer than the bytes") {
    crafted.stream = {0xff, 's', '1'};
    check_refused(crafted, "truncated at stream");
  }
  SECTION("another stream") {
    crafted.stream = {0x02, 's', '2'};
    check_refused(crafted, "reference record is of stream 's2', not 's1'");
  }
  SECTION("another feature count") {
    crafted.feature_count = 2;
    check_refused(crafted, "has 2 features, 1 pairs and 1 groups, the configuration 3, 1 and 1");
  }
  SECTION("another pair count") {
    crafted.pair_count = 0;
    check_refused(crafted, "has 3 features, 0 pairs and 1 groups");
  }
  SECTION("a huge group count, before anything is allocated") {
    crafted.group_count = 0xffffffff;
    check_refused(crafted, "4294967295 groups, the configuration");
  }
  SECTION("an origin longer than its limit") {
    crafted.origin_length = 1025;
    check_refused(crafted, "origin has 1025 bytes, more than 1024");
  }
  SECTION("an origin longer than the bytes") {
    crafted.origin_length = 1024;
    check_refused(crafted, "truncated at origin");
  }
  SECTION("bytes after the last group") {
    crafted.trailing = to_bytes({0});
    check_refused(crafted, "reference record has trailing bytes");
  }
}

TEST_CASE("Reference record features out of the format are refused") {
  Crafted crafted;
  SECTION("another feature in its place") {
    crafted.x_name = {0x01, 'y'};
    check_refused(crafted, "reference record feature 0 is 'y', the configuration's 'x'");
  }
  SECTION("an empty feature name") {
    crafted.x_name = {0x00};
    check_refused(crafted, "empty name");
  }
  SECTION("an unknown kind") {
    crafted.x_kind = 3;
    check_refused(crafted, "feature 'x' has kind 3, not 0 (none), 1 (numeric) or 2 (categorical)");
  }
  SECTION("categorical bins for a numeric feature") {
    crafted.x_kind = 2;
    check_refused(crafted, "feature 'x' is categorical in the record, numeric in the configuration");
  }
  SECTION("numeric bins for a categorical feature") {
    crafted.c_kind = 1;
    check_refused(crafted, "feature 'c' is numeric in the record, categorical in the configuration");
  }
  SECTION("too many edges, before any is allocated") {
    crafted.edge_count = 4096;
    check_refused(crafted, "feature 'x' has 4096 edges, more than 4095");
  }
  SECTION("more edges than bytes") {
    crafted.edge_count = 4095;
    check_refused(crafted, "truncated at edges");
  }
  SECTION("a NaN edge") {
    crafted.edges[1] = kNaN;
    check_refused(crafted, "feature 'x' edge 1 is not finite");
  }
  SECTION("an infinite edge") {
    crafted.edges[0] = -kInfinity;
    check_refused(crafted, "feature 'x' edge 0 is not finite");
  }
  SECTION("an edge of -0, which would decode to +0") {
    crafted.edges[0] = -0.0;
    check_refused(crafted, "feature 'x' edge 0 is -0");
  }
  SECTION("edges out of order") {
    crafted.edges = {1, 0};
    check_refused(crafted, "feature 'x' edge 1 is below the edge before it");
  }
  SECTION("equal edges, which explicit edges may have") {
    crafted.edges = {1, 1};
    const ReferenceRecord decoded = decode_reference_record(crafted.bytes(), documented_stream());
    CHECK(decoded.references.features[0].bins.to_json() == R"({"edges":[1.0,1.0]})");
  }
  SECTION("too many categories, before any is allocated") {
    crafted.category_count = 65536;
    check_refused(crafted, "feature 'c' has 65536 categories, more than 65535");
  }
  SECTION("more categories than bytes") {
    crafted.category_count = 1000;
    check_refused(crafted, "truncated at categories");
  }
  SECTION("a category longer than its limit") {
    crafted.categories = {0x81, 0x80, 0x80, 0x08, 'a'};  // 2^24 + 1
    crafted.category_count = 1;
    check_refused(crafted, "feature 'c' category 0 has 16777217 bytes, more than 16777216");
  }
  SECTION("a category longer than the bytes") {
    crafted.categories = {0x01, 'a', 0xff, 0x01, 'b'};
    check_refused(crafted, "truncated at category");
  }
  SECTION("an overlong category length") {
    crafted.categories = {0x81, 0x00, 'a', 0x01, 'b'};
    check_refused(crafted, "overlong varint at category length");
  }
  for (const std::vector<std::uint8_t>& bad : std::vector<std::vector<std::uint8_t>>{
           {0x80},                    // a continuation byte first
           {0xc0, 0x80},              // overlong NUL
           {0xc3},                    // cut short
           {0xe0, 0x9f, 0xbf},        // overlong
           {0xed, 0xa0, 0x80},        // a surrogate
           {0xf4, 0x90, 0x80, 0x80},  // above U+10FFFF
           {0xf5, 0x80, 0x80, 0x80},
           {0xff}}) {
    SECTION("a category that is not UTF-8, starting " + std::to_string(bad[0])) {
      crafted.categories = {0x01, 'a', static_cast<std::uint8_t>(bad.size() + 1), 'b'};
      crafted.categories.insert(crafted.categories.end(), bad.begin(), bad.end());
      check_refused(crafted, "feature 'c' category 1 is not UTF-8");
    }
  }
  SECTION("a category of every UTF-8 width") {
    crafted.categories = {0x01, 'a',  0x0b, 0x00, 0x7f, 0xc2, 0x80,
                          0xe0, 0xa0, 0x80, 0xf4, 0x8f, 0xbf, 0xbf};
    const ReferenceRecord decoded = decode_reference_record(crafted.bytes(), documented_stream());
    CHECK(decoded.references.features[1].bins.dictionary().categories()[1] ==
          std::string("\0\x7f\xc2\x80\xe0\xa0\x80\xf4\x8f\xbf\xbf", 11));
  }
  SECTION("a category twice") {
    crafted.categories = {0x01, 'a', 0x01, 'a'};
    check_refused(crafted, "feature 'c': duplicate category");
  }
  SECTION("counts all zero") {
    crafted.x_counts = {0x00};
    check_refused(crafted, "reference record feature 'x' counts is all zeros");
  }
  SECTION("counts beyond the bins") {
    crafted.x_counts = {0x01, 0x03, 0x01, 0x01};
    check_refused(crafted, "feature 'x' counts has runs beyond its counters");
  }
  SECTION("a zero literal") {
    crafted.c_counts = {0x01, 0x00, 0x02, 0x02, 0x00};
    check_refused(crafted, "feature 'c' counts has a zero literal");
  }
  SECTION("counts adding up beyond 2^64 - 1") {
    crafted.x_counts = {0x01, 0x00, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff,
                        0xff, 0xff, 0xff, 0xff, 0x01, 0x01};
    check_refused(crafted, "feature 'x' counts: counts add up beyond 2^64 - 1");
  }
  SECTION("a moments flag beyond 1") {
    crafted.x_moments = 2;
    check_refused(crafted, "feature 'x' has moments flag 2, not 0 or 1");
  }
  SECTION("moments of a categorical feature") {
    crafted.c_moments = 1;
    check_refused(crafted, "feature 'c' is categorical and has moments");
  }
  SECTION("a NaN mean") {
    crafted.mean = kNaN;
    check_refused(crafted, "feature 'x': moments are not a finite mean and a finite variance >= 0");
  }
  SECTION("an infinite variance") {
    crafted.variance = kInfinity;
    check_refused(crafted, "moments are not a finite mean and a finite variance >= 0");
  }
  SECTION("a negative variance") {
    crafted.variance = -1;
    check_refused(crafted, "moments are not a finite mean and a finite variance >= 0");
  }
}

TEST_CASE("Reference record pairs and groups out of the format are refused") {
  Crafted crafted;
  SECTION("another pair in its place") {
    crafted.pair_name = {0x03, 'c', '|', 'y'};
    check_refused(crafted, "reference record pair 0 is 'c|y', the configuration's 'c|x'");
  }
  SECTION("another group in its place") {
    crafted.group_name = {0x02, 'y', 'x'};
    check_refused(crafted, "reference record group 0 is 'yx', the configuration's 'xy'");
  }
  SECTION("a pair presence beyond 1") {
    crafted.pair_presence = 2;
    check_refused(crafted, "pair 'c|x' has presence 2, not 0 or 1");
  }
  SECTION("a pair over a feature without reference") {
    crafted.x_kind = 0;
    check_refused(crafted, "pair 'c|x' has a reference, but its feature 'x' has none");
  }
  SECTION("a pair over the other feature without reference") {
    crafted.c_kind = 0;
    check_refused(crafted, "pair 'c|x' has a reference, but its feature 'c' has none");
  }
  SECTION("x bins not those of the feature's reference") {
    crafted.x_bins = 4;
    check_refused(crafted, "pair 'c|x' has 4 x 3 bins, its features' references 3 x 3");
  }
  SECTION("y bins not those of the feature's reference") {
    crafted.y_bins = 2;
    check_refused(crafted, "pair 'c|x' has 3 x 2 bins, its features' references 3 x 3");
  }
  SECTION("cells all zero") {
    crafted.cells = {0x00};
    check_refused(crafted, "pair 'c|x' cells is all zeros");
  }
  SECTION("cells beyond the table") {
    crafted.cells = {0x01, 0x09, 0x01, 0x01};
    check_refused(crafted, "pair 'c|x' cells has runs beyond its counters");
  }
  SECTION("an empty zero run after the first run") {
    crafted.cells = {0x02, 0x00, 0x01, 0x01, 0x00, 0x01, 0x01};
    check_refused(crafted, "pair 'c|x' cells has an empty zero run after its first run");
  }
  SECTION("a group presence beyond 1") {
    crafted.group_presence = 2;
    check_refused(crafted, "group 'xy' has presence 2, not 0 or 1");
  }
  SECTION("a group of another dimension") {
    crafted.dimension = 3;
    check_refused(crafted, "group 'xy' has 3 features in the record, 2 in the configuration");
  }
  SECTION("group moments beyond the bytes") {
    crafted.standards.pop_back();
    check_refused(crafted, "truncated at group moments");
  }
  SECTION("too few rows for a covariance") {
    crafted.rows = 2;
    check_refused(crafted, "group 'xy' has 2 rows, fewer than 3");
  }
  SECTION("a moment that is not finite") {
    crafted.moments[5] = kInfinity;
    check_refused(crafted, "group 'xy' has a moment that is not finite");
  }
  SECTION("a NaN shift") {
    crafted.moments[0] = kNaN;
    check_refused(crafted, "group 'xy' has a moment that is not finite");
  }
  SECTION("a standardisation's scale of 0") {
    crafted.standards[3] = 0;
    check_refused(crafted, "group 'xy': a standardisation is not a finite shift and a finite scale > 0");
  }
  SECTION("a negative scale") {
    crafted.standards[1] = -1;
    check_refused(crafted, "a standardisation is not a finite shift and a finite scale > 0");
  }
  SECTION("an infinite standardisation shift") {
    crafted.standards[2] = kInfinity;
    check_refused(crafted, "a standardisation is not a finite shift and a finite scale > 0");
  }
}

TEST_CASE("A pair table larger than a pair may have is refused before it is allocated") {
  // x with 4096 bins, c with 17: 69,632 cells.
  const config::StreamConfig stream = stream_of(R"({"name": "s1", "source": {"type": "http"},
  "window": {"type": "tumbling", "size": "1m"},
    "features": [
      {"name": "x", "path": "/x", "type": "numeric", "bins": 4096},
      {"name": "c", "path": "/c", "type": "categorical", "max_categories": 3},
      {"name": "y", "path": "/y", "type": "numeric"}],
    "pairs": [{"name": "c|x", "x": "c", "y": "x"}],
    "groups": [{"name": "xy", "features": ["x", "y"]}]})");
  Crafted crafted;
  crafted.edges.clear();
  for (std::size_t i = 0; i + 1 < kMaxNumericBins; ++i) {
    crafted.edges.push_back(static_cast<double>(i));
  }
  crafted.edge_count = static_cast<std::uint32_t>(crafted.edges.size());
  crafted.category_count = 16;
  crafted.categories.clear();
  for (std::uint8_t i = 0; i < 16; ++i) {
    crafted.categories.push_back(0x01);
    crafted.categories.push_back(static_cast<std::uint8_t>('a' + i));
  }
  crafted.x_bins = 17;
  crafted.y_bins = 4096;
  CHECK_THROWS_WITH(decode_reference_record(crafted.bytes(), stream),
                    Catch::Contains("pair 'c|x' has 69632 cells, more than 65536"));
}

TEST_CASE("A reference record that does not fit the stream's configuration is refused") {
  const std::vector<std::byte> bytes = to_bytes(kDocumentedBytes);
  const auto refused = [&](const std::string& stream_json) {
    try {
      decode_reference_record(bytes, stream_of(stream_json));
    } catch (const InputError& error) {
      return std::string(error.what());
    }
    return std::string("decoded");
  };
  // The documented stream with one change.
  const auto changed = [](const std::string& from, const std::string& to) {
    std::string json = kDocumentedStream;
    const std::size_t at = json.find(from);
    REQUIRE(at != std::string::npos);
    return json.replace(at, from.size(), to);
  };
  CHECK(refused(kDocumentedStream) == "decoded");
  CHECK_THAT(refused(changed(R"("name": "s1")", R"("name": "s2")")),
             Catch::Contains("reference record is of stream 's1', not 's2'"));
  CHECK_THAT(refused(changed(R"({"name": "y", "path": "/y", "type": "numeric"})",
                             R"({"name": "y", "path": "/y", "type": "numeric"},
                                {"name": "w", "path": "/w", "type": "numeric"})")),
             Catch::Contains("has 3 features, 1 pairs and 1 groups, the configuration 4, 1 and 1"));
  CHECK_THAT(refused(changed(R"("pairs": [{"name": "c|x", "x": "c", "y": "x"}],)", "")),
             Catch::Contains("the configuration 3, 0 and 1"));
  CHECK_THAT(refused(changed(R"({"name": "c", "path": "/c", "type": "categorical"})",
                             R"({"name": "c", "path": "/c", "type": "numeric"})")),
             Catch::Contains("feature 'c' is categorical in the record, numeric in the configuration"));
  // Changes the parser would refuse with the groups and pairs as they are;
  // the reader sees only the features.
  config::StreamConfig categorical_x = documented_stream();
  categorical_x.features[0].type = config::FeatureType::categorical;
  CHECK_THROWS_WITH(decode_reference_record(bytes, categorical_x),
                    Catch::Contains("feature 'x' is numeric in the record, categorical in the configuration"));
  config::StreamConfig renamed = documented_stream();
  renamed.features[0].name = "x2";
  CHECK_THROWS_WITH(decode_reference_record(bytes, renamed),
                    Catch::Contains("feature 0 is 'x', the configuration's 'x2'"));
  CHECK_THAT(refused(changed(R"("name": "c|x", "x": "c", "y": "x")",
                             R"("name": "c|x", "x": "c", "y": "y")")),
             Catch::Contains("pair 'c|x' has a reference, but its feature 'y' has none"));
  CHECK_THAT(refused(changed(R"("name": "c|x", "x": "c", "y": "x")",
                             R"("name": "x|c", "x": "x", "y": "c")")),
             Catch::Contains("pair 0 is 'c|x', the configuration's 'x|c'"));
  // A group of three features where the record's has two (the parser
  // would refuse x twice; the reader sees only the count).
  config::StreamConfig three = documented_stream();
  three.groups[0].features.push_back("x");
  three.groups[0].feature_indices.push_back(0);
  CHECK_THROWS_WITH(decode_reference_record(Crafted().bytes(), three),
                    Catch::Contains("group 'xy' has 2 features in the record, 3 in the configuration"));
}

TEST_CASE("Invalid reference records are not encoded") {
  ReferenceRecord record = documented_record();
  std::vector<FeatureReference>& features = record.references.features;
  PairReference& pair = record.references.pairs[0];
  GroupReference& group = record.references.groups[0];
  const auto refused = [&](const std::string& message) {
    CHECK_THAT(reference_record_problem(record, documented_stream()), Catch::Contains(message));
    CHECK_THROWS_AS(encode_reference_record(record, documented_stream()), std::invalid_argument);
    CHECK_THROWS_WITH(encode_reference_record(record, documented_stream()),
                      Catch::Contains("invalid reference record: " + message));
  };
  REQUIRE(reference_record_problem(record, documented_stream()).empty());
  // A present group for the cases that need one.
  const auto with_group = [&] {
    const std::vector<double> a{1, 2, 4, 8};
    const std::vector<double> b{2, 1, 0, 5};
    const std::vector<std::span<const double>> columns{a, b};
    group = group_reference(columns);
    REQUIRE(group.present());
    REQUIRE(reference_record_problem(record, documented_stream()).empty());
  };
  SECTION("no stream") {
    record.stream.clear();
    refused("stream must have 1 to 255 bytes, has 0");
  }
  SECTION("another stream") {
    record.stream = "s2";
    refused("stream 's2' is not the configuration's 's1'");
  }
  SECTION("version 0") {
    record.version = 0;
    refused("version 0 is not >= 1");
  }
  SECTION("a long origin") {
    record.origin.assign(kMaxReferenceOriginBytes + 1, 'o');
    refused("origin has 1025 bytes, more than 1024");
  }
  SECTION("a feature too few") {
    features.pop_back();
    refused("2 features, 1 pairs and 1 groups for the configuration's 3, 1 and 1");
  }
  SECTION("no group") {
    record.references.groups.clear();
    refused("3 features, 1 pairs and 0 groups");
  }
  SECTION("categorical bins for a numeric feature") {
    features[2] = features[1];
    refused("feature 'y': a categorical reference for a numeric feature");
  }
  SECTION("numeric bins for a categorical feature") {
    features[1].bins = features[0].bins;
    refused("feature 'c': a numeric reference for a categorical feature");
  }
  SECTION("a count too few") {
    features[0].counts.pop_back();
    refused("feature 'x': 2 counts for 3 bins");
  }
  SECTION("counts all zero") {
    features[0].counts = {0, 0, 0};
    refused("feature 'x': counts are all zero");
  }
  SECTION("counts adding up beyond 2^64 - 1") {
    features[1].counts = {kAllOnes, 1, 0};
    refused("feature 'c': counts add up beyond 2^64 - 1");
  }
  SECTION("moments of a categorical feature") {
    features[1].moments = MeanVariance{1, 1};
    refused("feature 'c': moments for a categorical feature");
  }
  SECTION("a NaN mean") {
    features[0].moments = MeanVariance{kNaN, 1};
    refused("feature 'x': moments are not a finite mean and a finite variance >= 0");
  }
  SECTION("an infinite variance") {
    features[0].moments = MeanVariance{1, kInfinity};
    refused("feature 'x': moments are not a finite mean and a finite variance >= 0");
  }
  SECTION("a category longer than its limit") {
    features[1].bins = FeatureBins::categorical(CategoryDictionary::from_categories(
        {"a", std::string(kMaxReferenceCategoryBytes + 1, 'b')}));
    refused("feature 'c': category 1 has 16777217 bytes, more than 16777216");
  }
  SECTION("a category that is not UTF-8") {
    features[1].bins =
        FeatureBins::categorical(CategoryDictionary::from_categories({"a", "\xed\xa0\x80"}));
    refused("feature 'c': category 1 is not UTF-8");
  }
  SECTION("a pair over a feature without reference") {
    features[0] = FeatureReference{};
    refused("pair 'c|x': a reference, but its feature 'x' has none");
  }
  SECTION("a pair of other bin counts") {
    pair.y_bins = 4;
    refused("pair 'c|x': 3 x 4 bins, its features' references 3 x 3");
  }
  SECTION("a cell too few") {
    pair.cells.pop_back();
    refused("pair 'c|x': 8 cells for 3 x 3 bins");
  }
  SECTION("cells all zero") {
    pair.cells.assign(9, 0);
    refused("pair 'c|x': counts are all zero");
  }
  SECTION("a group of another dimension") {
    with_group();
    const std::vector<double> a{1, 2, 4, 8};
    const std::vector<std::span<const double>> columns{a, a, a};
    group = group_reference(columns);
    refused("group 'xy': 3 standardisations and moments of 3 features for its 2 features");
  }
  SECTION("standardisations of another count") {
    with_group();
    group.standards.pop_back();
    refused("group 'xy': 1 standardisations and moments of 2 features for its 2 features");
  }
  SECTION("too few rows") {
    with_group();
    group.moments = MomentAccumulator::from_moments(2, group.moments.shift(),
                                                    group.moments.shifted_mean(),
                                                    group.moments.comoment());
    refused("group 'xy': 2 rows, fewer than 3");
  }
  SECTION("a moment that is not finite") {
    with_group();
    std::vector<double> comoment = group.moments.comoment();
    comoment[1] = kNaN;
    group.moments = MomentAccumulator::from_moments(group.moments.count(), group.moments.shift(),
                                                    group.moments.shifted_mean(), comoment);
    refused("group 'xy': a moment that is not finite");
  }
  SECTION("a scale of 0") {
    with_group();
    group.standards[0].scale = 0;
    refused("group 'xy': a standardisation is not a finite shift and a finite scale > 0");
  }
  SECTION("a configuration whose pair names no feature of it") {
    config::StreamConfig stream = documented_stream();
    stream.pairs[0].y_index = 7;
    CHECK_THAT(reference_record_problem(record, stream),
               Catch::Contains("the configuration's pair 'c|x' names no feature of it"));
    CHECK_THROWS_AS(decode_reference_record(to_bytes(kDocumentedBytes), stream),
                    std::invalid_argument);
  }
}

}  // namespace
}  // namespace driftd::cluster
