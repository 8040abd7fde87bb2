#include "cluster/reference_record.h"

#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "cluster/framed_format.h"
#include "cluster/pane_partial.h"
#include "cluster/sparse_counts.h"
#include "common/binary_codec.h"
#include "common/error.h"

namespace driftd::cluster {
namespace {

// The layout of docs/histogram-format.md, "References (cluster mode)".
constexpr std::size_t kChecksumBytes = FramedFormat::kChecksumBytes;
// Everything up to the stream's length.
constexpr std::size_t kFixedBytes = 36;
// The smallest record: a one-byte stream, no origin, no subjects (a
// configuration has at least one feature, which the reader checks later).
constexpr std::size_t kMinBytes = kFixedBytes + 2 + 2 + kChecksumBytes;
constexpr FramedFormat kFormat{{'D', 'R', 'E', 'F'}, 1, kMinBytes, "reference record"};

// A feature's kind byte: absent, or the BinKind of its bins.
constexpr std::uint8_t kAbsent = 0;
constexpr std::uint8_t kNumeric = static_cast<std::uint8_t>(BinKind::numeric);
constexpr std::uint8_t kCategorical = static_cast<std::uint8_t>(BinKind::categorical);
constexpr std::size_t kDoubleBytes = 8;

std::string in_quotes(const std::string& name) { return "'" + name + "'"; }

// What the record's checks assume of the configuration; parse_config()
// guarantees it, a configuration built by hand may not.
std::string configuration_problem(const config::StreamConfig& stream) {
  for (const config::PairConfig& pair : stream.pairs) {
    if (pair.x_index >= stream.features.size() || pair.y_index >= stream.features.size()) {
      return "the configuration's pair " + in_quotes(pair.name) + " names no feature of it";
    }
  }
  for (const config::GroupConfig& group : stream.groups) {
    if (group.features.empty() || group.features.size() > config::kMaxGroupFeatures) {
      return "the configuration's group " + in_quotes(group.name) + " has " +
             std::to_string(group.features.size()) + " features, not 1 to " +
             std::to_string(config::kMaxGroupFeatures);
    }
  }
  return {};
}

// Empty when the entry's name (the configuration's) fits the one-byte length.
std::string name_problem(const char* kind, const std::string& name) {
  if (name.empty() || name.size() > kMaxPartialNameBytes) {
    return std::string(kind) + " " + in_quotes(name) + " must have a name of 1 to " +
           std::to_string(kMaxPartialNameBytes) + " bytes";
  }
  return {};
}

// Empty when `counts` add up to 1..2^64 - 1.
std::string total_problem(std::span<const std::uint64_t> counts) {
  std::uint64_t total = 0;
  for (const std::uint64_t count : counts) {
    if (count > std::numeric_limits<std::uint64_t>::max() - total) {
      return "counts add up beyond 2^64 - 1";
    }
    total += count;
  }
  if (total == 0) return "counts are all zero";
  return {};
}

std::string moments_problem(const MeanVariance& moments) {
  if (!std::isfinite(moments.mean) || !std::isfinite(moments.variance) || moments.variance < 0) {
    return "moments are not a finite mean and a finite variance >= 0";
  }
  return {};
}

std::string standardisation_problem(const Standardisation& standard) {
  if (!std::isfinite(standard.shift) || !std::isfinite(standard.scale) || !(standard.scale > 0)) {
    return "a standardisation is not a finite shift and a finite scale > 0";
  }
  return {};
}

// REQUIRES: reference.present().
std::string feature_problem(const FeatureReference& reference,
                            const config::FeatureConfig& feature) {
  const bool numeric = reference.bins.is_numeric();
  if (numeric != (feature.type == config::FeatureType::numeric)) {
    return numeric ? "a numeric reference for a categorical feature"
                   : "a categorical reference for a numeric feature";
  }
  if (reference.counts.size() != reference.bins.bin_count()) {
    return std::to_string(reference.counts.size()) + " counts for " +
           std::to_string(reference.bins.bin_count()) + " bins";
  }
  if (std::string problem = total_problem(reference.counts); !problem.empty()) return problem;
  if (!numeric) {
    const auto categories = reference.bins.dictionary().categories();
    for (std::size_t i = 0; i < categories.size(); ++i) {
      if (categories[i].size() > kMaxReferenceCategoryBytes) {
        return "category " + std::to_string(i) + " has " + std::to_string(categories[i].size()) +
               " bytes, more than " + std::to_string(kMaxReferenceCategoryBytes);
      }
      if (!valid_utf8(categories[i])) return "category " + std::to_string(i) + " is not UTF-8";
    }
    if (reference.moments) return "moments for a categorical feature";
  } else if (reference.moments) {
    return moments_problem(*reference.moments);
  }
  return {};
}

// REQUIRES: reference.present(); the pair's indices within `features`.
std::string pair_problem(const PairReference& reference, const config::PairConfig& pair,
                         const std::vector<FeatureReference>& features) {
  const FeatureReference& x = features[pair.x_index];
  const FeatureReference& y = features[pair.y_index];
  if (!x.present() || !y.present()) {
    return "a reference, but its feature " + in_quotes(x.present() ? pair.y : pair.x) + " has none";
  }
  if (reference.x_bins != x.bins.bin_count() || reference.y_bins != y.bins.bin_count()) {
    return std::to_string(reference.x_bins) + " x " + std::to_string(reference.y_bins) +
           " bins, its features' references " + std::to_string(x.bins.bin_count()) + " x " +
           std::to_string(y.bins.bin_count());
  }
  // Both bin counts are at most kMaxLayoutBins: no overflow.
  const std::uint64_t cells = std::uint64_t{reference.x_bins} * reference.y_bins;
  if (cells > config::kMaxPairCells) {
    return std::to_string(cells) + " cells, more than " + std::to_string(config::kMaxPairCells);
  }
  if (reference.cells.size() != cells) {
    return std::to_string(reference.cells.size()) + " cells for " +
           std::to_string(reference.x_bins) + " x " + std::to_string(reference.y_bins) + " bins";
  }
  return total_problem(reference.cells);
}

bool all_finite(std::span<const double> values) {
  for (const double value : values) {
    if (!std::isfinite(value)) return false;
  }
  return true;
}

// REQUIRES: reference.present().
std::string group_problem(const GroupReference& reference, const config::GroupConfig& group) {
  const std::size_t d = group.features.size();
  if (reference.standards.size() != d || reference.moments.dimension() != d) {
    return std::to_string(reference.standards.size()) + " standardisations and moments of " +
           std::to_string(reference.moments.dimension()) + " features for its " +
           std::to_string(d) + " features";
  }
  if (reference.moments.count() < d + 1) {
    return std::to_string(reference.moments.count()) + " rows, fewer than " +
           std::to_string(d + 1);
  }
  if (!all_finite(reference.moments.shift()) || !all_finite(reference.moments.shifted_mean()) ||
      !all_finite(reference.moments.comoment())) {
    return "a moment that is not finite";
  }
  for (const Standardisation& standard : reference.standards) {
    if (std::string problem = standardisation_problem(standard); !problem.empty()) return problem;
  }
  return {};
}

void append_double(std::vector<std::byte>& out, double value) {
  append_le<std::uint64_t>(out, std::bit_cast<std::uint64_t>(value));
}

void append_doubles(std::vector<std::byte>& out, std::span<const double> values) {
  for (const double value : values) append_double(out, value);
}

void append_feature(std::vector<std::byte>& out, const FeatureReference& reference) {
  if (!reference.present()) {
    append_le<std::uint8_t>(out, kAbsent);
    return;
  }
  if (reference.bins.is_numeric()) {
    append_le<std::uint8_t>(out, kNumeric);
    const auto edges = reference.bins.binning().edges();
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(edges.size()));
    append_doubles(out, edges);
  } else {
    append_le<std::uint8_t>(out, kCategorical);
    const auto categories = reference.bins.dictionary().categories();
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(categories.size()));
    for (const std::string& category : categories) {
      append_varint(out, category.size());
      for (const char c : category) out.push_back(static_cast<std::byte>(c));
    }
  }
  append_sparse_counts(out, reference.counts);
  append_le<std::uint64_t>(out, reference.missing);
  append_le<std::uint8_t>(out, reference.moments ? 1 : 0);
  if (reference.moments) {
    append_double(out, reference.moments->mean);
    append_double(out, reference.moments->variance);
  }
}

void append_pair(std::vector<std::byte>& out, const PairReference& reference) {
  append_le<std::uint8_t>(out, reference.present() ? 1 : 0);
  if (!reference.present()) return;
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(reference.x_bins));
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(reference.y_bins));
  append_sparse_counts(out, reference.cells);
  append_le<std::uint64_t>(out, reference.incomplete);
}

void append_group(std::vector<std::byte>& out, const GroupReference& reference) {
  append_le<std::uint8_t>(out, reference.present() ? 1 : 0);
  if (!reference.present()) return;
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(reference.standards.size()));
  append_le<std::uint64_t>(out, reference.moments.count());
  append_doubles(out, reference.moments.shift());
  append_doubles(out, reference.moments.shifted_mean());
  append_doubles(out, reference.moments.comoment());
  for (const Standardisation& standard : reference.standards) {
    append_double(out, standard.shift);
    append_double(out, standard.scale);
  }
}

// The reading side. `which` names the entry in messages: "reference record
// feature 'price'".

double read_double(LittleEndianReader& reader, const char* field) {
  return std::bit_cast<double>(reader.get<std::uint64_t>(field));
}

// The entry's name, which must be the configuration's.
void read_entry_name(LittleEndianReader& reader, const char* kind, std::size_t index,
                     const std::string& expected) {
  const std::string name = kFormat.read_name(reader, "name");
  if (name != expected) {
    throw InputError("reference record " + std::string(kind) + " " + std::to_string(index) +
                     " is " + in_quotes(name) + ", the configuration's " + in_quotes(expected));
  }
}

// A presence byte: whether the entry has a reference.
bool read_presence(LittleEndianReader& reader, const std::string& which) {
  const auto presence = reader.get<std::uint8_t>("presence");
  if (presence > 1) {
    throw InputError(which + " has presence " + std::to_string(presence) + ", not 0 or 1");
  }
  return presence == 1;
}

// `size` words as runs (R >= 1), adding up to at most 2^64 - 1. `entry`
// names them without the format: "feature 'price' counts".
std::vector<std::uint64_t> read_counts(LittleEndianReader& reader, std::size_t size,
                                       const std::string& entry) {
  std::vector<std::uint64_t> counts(size, 0);
  read_sparse_counts(reader, counts, entry, ZeroBlock::refused);
  if (std::string problem = total_problem(counts); !problem.empty()) {
    throw InputError(std::string(reader.what()) + " " + entry + ": " + problem);
  }
  return counts;
}

NumericBinning read_edges(LittleEndianReader& reader, const std::string& which) {
  const auto count = reader.get<std::uint32_t>("edge count");
  if (count >= kMaxNumericBins) {
    throw InputError(which + " has " + std::to_string(count) + " edges, more than " +
                     std::to_string(kMaxNumericBins - 1));
  }
  if (count > reader.remaining() / kDoubleBytes) {
    throw InputError(std::string(reader.what()) + " is truncated at edges");
  }
  std::vector<double> edges;
  edges.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const double edge = read_double(reader, "edge");
    const std::string at = which + " edge " + std::to_string(i);
    if (!std::isfinite(edge)) throw InputError(at + " is not finite");
    // NumericBinning keeps +0 for -0: -0 would not re-encode to itself.
    if (edge == 0 && std::signbit(edge)) throw InputError(at + " is -0");
    if (i > 0 && edge < edges.back()) throw InputError(at + " is below the edge before it");
    edges.push_back(edge);
  }
  return NumericBinning::explicit_edges(edges);
}

CategoryDictionary read_categories(LittleEndianReader& reader, const std::string& which) {
  const auto count = reader.get<std::uint32_t>("category count");
  if (count > kMaxCategories) {
    throw InputError(which + " has " + std::to_string(count) + " categories, more than " +
                     std::to_string(kMaxCategories));
  }
  // Each category takes at least its length's byte.
  if (count > reader.remaining()) {
    throw InputError(std::string(reader.what()) + " is truncated at categories");
  }
  std::vector<std::string> categories;
  categories.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint64_t length = read_varint(reader, "category length");
    if (length > kMaxReferenceCategoryBytes) {
      throw InputError(which + " category " + std::to_string(i) + " has " +
                       std::to_string(length) + " bytes, more than " +
                       std::to_string(kMaxReferenceCategoryBytes));
    }
    const std::span<const std::byte> raw = reader.take(length, "category");
    categories.emplace_back(reinterpret_cast<const char*>(raw.data()), raw.size());
    if (!valid_utf8(categories.back())) {
      throw InputError(which + " category " + std::to_string(i) + " is not UTF-8");
    }
  }
  try {
    return CategoryDictionary::from_categories(std::move(categories));
  } catch (const InputError& error) {
    throw InputError(which + ": " + error.what());
  }
}

FeatureReference read_feature(LittleEndianReader& reader, const config::FeatureConfig& feature,
                              std::int64_t version) {
  const std::string which = "reference record feature " + in_quotes(feature.name);
  const auto kind = reader.get<std::uint8_t>("kind");
  if (kind == kAbsent) return {};
  if (kind != kNumeric && kind != kCategorical) {
    throw InputError(which + " has kind " + std::to_string(kind) +
                     ", not 0 (none), 1 (numeric) or 2 (categorical)");
  }
  const bool numeric = kind == kNumeric;
  if (numeric != (feature.type == config::FeatureType::numeric)) {
    throw InputError(which + " is " + (numeric ? "numeric" : "categorical") +
                     " in the record, " + (numeric ? "categorical" : "numeric") +
                     " in the configuration");
  }
  FeatureReference out;
  out.version = version;
  out.bins = numeric ? FeatureBins::numeric(read_edges(reader, which))
                     : FeatureBins::categorical(read_categories(reader, which));
  out.counts =
      read_counts(reader, out.bins.bin_count(), "feature " + in_quotes(feature.name) + " counts");
  out.missing = reader.get<std::uint64_t>("missing");
  const auto moments = reader.get<std::uint8_t>("moments");
  if (moments > 1) {
    throw InputError(which + " has moments flag " + std::to_string(moments) + ", not 0 or 1");
  }
  if (moments == 1) {
    if (!numeric) throw InputError(which + " is categorical and has moments");
    const double mean = read_double(reader, "mean");
    const double variance = read_double(reader, "variance");
    out.moments = MeanVariance{mean, variance};
    if (std::string problem = moments_problem(*out.moments); !problem.empty()) {
      throw InputError(which + ": " + problem);
    }
  }
  return out;
}

PairReference read_pair(LittleEndianReader& reader, const config::PairConfig& pair,
                        const std::vector<FeatureReference>& features, std::int64_t version) {
  const std::string which = "reference record pair " + in_quotes(pair.name);
  if (!read_presence(reader, which)) return {};
  const FeatureReference& x = features[pair.x_index];
  const FeatureReference& y = features[pair.y_index];
  if (!x.present() || !y.present()) {
    throw InputError(which + " has a reference, but its feature " +
                     in_quotes(x.present() ? pair.y : pair.x) + " has none");
  }
  PairReference out;
  out.version = version;
  out.x_bins = reader.get<std::uint32_t>("x bins");
  out.y_bins = reader.get<std::uint32_t>("y bins");
  if (out.x_bins != x.bins.bin_count() || out.y_bins != y.bins.bin_count()) {
    throw InputError(which + " has " + std::to_string(out.x_bins) + " x " +
                     std::to_string(out.y_bins) + " bins, its features' references " +
                     std::to_string(x.bins.bin_count()) + " x " +
                     std::to_string(y.bins.bin_count()));
  }
  // Bin counts of references: at most kMaxLayoutBins each, no overflow.
  const std::uint64_t cells = std::uint64_t{out.x_bins} * out.y_bins;
  if (cells > config::kMaxPairCells) {
    throw InputError(which + " has " + std::to_string(cells) + " cells, more than " +
                     std::to_string(config::kMaxPairCells));
  }
  out.cells = read_counts(reader, static_cast<std::size_t>(cells),
                          "pair " + in_quotes(pair.name) + " cells");
  out.incomplete = reader.get<std::uint64_t>("incomplete");
  return out;
}

std::vector<double> read_finite(LittleEndianReader& reader, std::size_t count,
                                const std::string& which) {
  std::vector<double> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double value = read_double(reader, "moment");
    if (!std::isfinite(value)) throw InputError(which + " has a moment that is not finite");
    out.push_back(value);
  }
  return out;
}

GroupReference read_group(LittleEndianReader& reader, const config::GroupConfig& group,
                          std::int64_t version) {
  const std::string which = "reference record group " + in_quotes(group.name);
  if (!read_presence(reader, which)) return {};
  const std::size_t d = group.features.size();
  const auto dimension = reader.get<std::uint32_t>("dimension");
  if (dimension != d) {
    throw InputError(which + " has " + std::to_string(dimension) +
                     " features in the record, " + std::to_string(d) +
                     " in the configuration");
  }
  // d <= kMaxGroupFeatures (configuration_problem): the count, the means,
  // the co-moments and the standardisations.
  if ((1 + 2 * d + d * d + 2 * d) * kDoubleBytes > reader.remaining()) {
    throw InputError(std::string(reader.what()) + " is truncated at group moments");
  }
  const auto count = reader.get<std::uint64_t>("row count");
  if (count < d + 1) {
    throw InputError(which + " has " + std::to_string(count) + " rows, fewer than " +
                     std::to_string(d + 1));
  }
  std::vector<double> shift = read_finite(reader, d, which);
  std::vector<double> shifted_mean = read_finite(reader, d, which);
  std::vector<double> comoment = read_finite(reader, d * d, which);
  GroupReference out;
  out.version = version;
  out.moments = MomentAccumulator::from_moments(count, std::move(shift), std::move(shifted_mean),
                                                std::move(comoment));
  out.standards.reserve(d);
  for (std::size_t i = 0; i < d; ++i) {
    const double standard_shift = read_double(reader, "standardisation shift");
    const double scale = read_double(reader, "standardisation scale");
    out.standards.push_back({standard_shift, scale});
    if (std::string problem = standardisation_problem(out.standards.back()); !problem.empty()) {
      throw InputError(which + ": " + problem);
    }
  }
  return out;
}

}  // namespace

std::string reference_record_problem(const ReferenceRecord& record,
                                     const config::StreamConfig& stream) {
  if (std::string problem = configuration_problem(stream); !problem.empty()) return problem;
  if (record.stream.empty() || record.stream.size() > kMaxPartialNameBytes) {
    return "stream must have 1 to " + std::to_string(kMaxPartialNameBytes) + " bytes, has " +
           std::to_string(record.stream.size());
  }
  if (record.stream != stream.name) {
    return "stream " + in_quotes(record.stream) + " is not the configuration's " +
           in_quotes(stream.name);
  }
  if (record.version < 1) return "version " + std::to_string(record.version) + " is not >= 1";
  if (record.origin.size() > kMaxReferenceOriginBytes) {
    return "origin has " + std::to_string(record.origin.size()) + " bytes, more than " +
           std::to_string(kMaxReferenceOriginBytes);
  }
  const StreamReferences& references = record.references;
  if (references.features.size() != stream.features.size() ||
      references.pairs.size() != stream.pairs.size() ||
      references.groups.size() != stream.groups.size()) {
    return std::to_string(references.features.size()) + " features, " +
           std::to_string(references.pairs.size()) + " pairs and " +
           std::to_string(references.groups.size()) + " groups for the configuration's " +
           std::to_string(stream.features.size()) + ", " + std::to_string(stream.pairs.size()) +
           " and " + std::to_string(stream.groups.size());
  }
  for (std::size_t f = 0; f < stream.features.size(); ++f) {
    const config::FeatureConfig& feature = stream.features[f];
    if (std::string problem = name_problem("feature", feature.name); !problem.empty()) {
      return problem;
    }
    if (!references.features[f].present()) continue;
    if (std::string problem = feature_problem(references.features[f], feature); !problem.empty()) {
      return "feature " + in_quotes(feature.name) + ": " + problem;
    }
  }
  for (std::size_t p = 0; p < stream.pairs.size(); ++p) {
    const config::PairConfig& pair = stream.pairs[p];
    if (std::string problem = name_problem("pair", pair.name); !problem.empty()) return problem;
    if (!references.pairs[p].present()) continue;
    if (std::string problem = pair_problem(references.pairs[p], pair, references.features);
        !problem.empty()) {
      return "pair " + in_quotes(pair.name) + ": " + problem;
    }
  }
  for (std::size_t g = 0; g < stream.groups.size(); ++g) {
    const config::GroupConfig& group = stream.groups[g];
    if (std::string problem = name_problem("group", group.name); !problem.empty()) return problem;
    if (!references.groups[g].present()) continue;
    if (std::string problem = group_problem(references.groups[g], group); !problem.empty()) {
      return "group " + in_quotes(group.name) + ": " + problem;
    }
  }
  return {};
}

std::vector<std::byte> encode_reference_record(const ReferenceRecord& record,
                                               const config::StreamConfig& stream) {
  if (const std::string problem = reference_record_problem(record, stream); !problem.empty()) {
    throw std::invalid_argument("invalid reference record: " + problem);
  }
  const StreamReferences& references = record.references;
  std::vector<std::byte> out;
  kFormat.begin(out);
  append_le<std::int64_t>(out, record.version);
  append_le<std::int64_t>(out, record.created_at_ms);
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(references.features.size()));
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(references.pairs.size()));
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(references.groups.size()));
  FramedFormat::append_name(out, record.stream);
  append_le<std::uint16_t>(out, static_cast<std::uint16_t>(record.origin.size()));
  for (const char c : record.origin) out.push_back(static_cast<std::byte>(c));
  for (std::size_t f = 0; f < references.features.size(); ++f) {
    FramedFormat::append_name(out, stream.features[f].name);
    append_feature(out, references.features[f]);
  }
  for (std::size_t p = 0; p < references.pairs.size(); ++p) {
    FramedFormat::append_name(out, stream.pairs[p].name);
    append_pair(out, references.pairs[p]);
  }
  for (std::size_t g = 0; g < references.groups.size(); ++g) {
    FramedFormat::append_name(out, stream.groups[g].name);
    append_group(out, references.groups[g]);
  }
  kFormat.end(out);
  return out;
}

ReferenceRecord decode_reference_record(std::span<const std::byte> bytes,
                                        const config::StreamConfig& stream) {
  if (const std::string problem = configuration_problem(stream); !problem.empty()) {
    throw std::invalid_argument("decode_reference_record: " + problem);
  }
  LittleEndianReader reader = kFormat.open(bytes);
  ReferenceRecord out;
  out.version = reader.get<std::int64_t>("reference version");
  if (out.version < 1) {
    throw InputError("reference record version " + std::to_string(out.version) + " is not >= 1");
  }
  out.created_at_ms = reader.get<std::int64_t>("created at");
  const auto features = reader.get<std::uint32_t>("feature count");
  const auto pairs = reader.get<std::uint32_t>("pair count");
  const auto groups = reader.get<std::uint32_t>("group count");
  out.stream = kFormat.read_name(reader, "stream");
  if (out.stream != stream.name) {
    throw InputError("reference record is of stream " + in_quotes(out.stream) + ", not " +
                     in_quotes(stream.name));
  }
  if (features != stream.features.size() || pairs != stream.pairs.size() ||
      groups != stream.groups.size()) {
    throw InputError("reference record has " + std::to_string(features) + " features, " +
                     std::to_string(pairs) + " pairs and " + std::to_string(groups) +
                     " groups, the configuration " + std::to_string(stream.features.size()) +
                     ", " + std::to_string(stream.pairs.size()) + " and " +
                     std::to_string(stream.groups.size()));
  }
  const auto origin_length = reader.get<std::uint16_t>("origin length");
  if (origin_length > kMaxReferenceOriginBytes) {
    throw InputError("reference record origin has " + std::to_string(origin_length) +
                     " bytes, more than " + std::to_string(kMaxReferenceOriginBytes));
  }
  const std::span<const std::byte> origin = reader.take(origin_length, "origin");
  out.origin.assign(reinterpret_cast<const char*>(origin.data()), origin.size());

  StreamReferences& references = out.references;
  // As many entries as the configuration has (checked above), each at
  // least a name and a kind or presence byte.
  references.features.reserve(features);
  for (std::size_t f = 0; f < stream.features.size(); ++f) {
    read_entry_name(reader, "feature", f, stream.features[f].name);
    references.features.push_back(read_feature(reader, stream.features[f], out.version));
  }
  references.pairs.reserve(pairs);
  for (std::size_t p = 0; p < stream.pairs.size(); ++p) {
    read_entry_name(reader, "pair", p, stream.pairs[p].name);
    references.pairs.push_back(
        read_pair(reader, stream.pairs[p], references.features, out.version));
  }
  references.groups.reserve(groups);
  for (std::size_t g = 0; g < stream.groups.size(); ++g) {
    read_entry_name(reader, "group", g, stream.groups[g].name);
    references.groups.push_back(read_group(reader, stream.groups[g], out.version));
  }
  if (reader.remaining() != 0) throw InputError("reference record has trailing bytes");
  return out;
}

ReferenceRecord versioned_reference_record(const config::StreamConfig& stream,
                                           StreamReferences references, std::string origin,
                                           std::int64_t created_at_ms) {
  ReferenceRecord record;
  record.stream = stream.name;
  record.version = 1;
  record.references = std::move(references);
  // FNV-1a, 64 bit, of the canonical bytes with nothing but the references
  // varying in them, as a positive version number.
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const std::byte byte : encode_reference_record(record, stream)) {
    hash ^= std::to_integer<uint64_t>(byte);
    hash *= 0x100000001b3ULL;
  }
  record.version = static_cast<int64_t>(hash >> 2) + 1;
  record.origin = std::move(origin);
  record.created_at_ms = created_at_ms;
  return record;
}

}  // namespace driftd::cluster
