// A stream's active reference in cluster mode, as it is kept in the
// compacted references topic (keyed by the stream's name), so that every
// instance bins the stream's events with exactly the same bins and compares
// its windows with exactly the same counts and moments. Documented byte by
// byte in docs/histogram-format.md, "References (cluster mode)": magic
// "DREF", version 1, the stream's features, pairs and groups in the
// configuration's order, counts in the sparse runs of pane partials
// (sparse_counts.h), CRC-32C.
//
// What a record promises: a decoded reference bins every value exactly as
// the encoded one. A numeric feature's bins are its edges, binary64 bits
// (a NumericBinning is its edges: NumericBinning::explicit_edges() rebuilds
// it, and BatchBinner is a function of the edges alone); a categorical
// feature's, its categories in bin order, __other__ implied as the last bin
// (CategoryDictionary::from_categories() rebuilds it). Counts, moments and
// standardisations keep their exact bits. The feature's binning settings
// (bins, binning, max_categories) are not consulted: a reference keeps its
// own bins across a configuration change (config.h, max_bin_count()).
//
// A record fits a stream's configuration (config::StreamConfig) when:
//   - stream is the configuration's name, version >= 1, origin has at most
//     kMaxReferenceOriginBytes bytes;
//   - references has one entry per feature, pair and group of the
//     configuration, in its order (their names are in the bytes, so a
//     configuration that renamed or reordered them refuses the record);
//   - each entry is absent (present() false) or, when present:
//       feature: of the feature's type (numeric or categorical); one count
//         per bin, adding up to 1..2^64 - 1; each category UTF-8 (as JSON
//         events' values are) of at most kMaxReferenceCategoryBytes
//         bytes; moments only for a numeric
//         feature, with a finite mean and a finite variance >= 0;
//       pair: both features present, x_bins and y_bins their bin counts,
//         x_bins * y_bins <= config::kMaxPairCells cells adding up to
//         1..2^64 - 1;
//       group: moments and standardisations of the group's feature count
//         d (1..config::kMaxGroupFeatures), at least d + 1 rows, every
//         moment finite, each standardisation a finite shift and a finite
//         scale > 0 (what group_reference_from_json() accepts).
// Not encoded: the `id` fields (local SQLite ids) and the entries' own
// `version` fields; an absent entry carries nothing (not an absent pair's
// x_bins, y_bins and incomplete rows, nor an absent group's moments of too
// few rows). decode_reference_record() leaves the ids 0, sets every present
// entry's version to the record's version and gives absent entries their
// default value, as DriftStore::load_active_references() does.
//
// encode_reference_record() requires a record that fits;
// decode_reference_record() returns only records that fit, and the encoding
// is canonical: bytes that decode re-encode to exactly themselves.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "config/config.h"
#include "pipeline/stream_references.h"

namespace driftd::cluster {

// Bounds of a record, besides those of the library (kMaxNumericBins,
// kMaxCategories) and of the configuration (kMaxPairCells,
// kMaxGroupFeatures). The origin is diagnostics ("capture",
// "file:<path>"). A category is a value of one event, so 16 MiB, the
// default limit of an ingest body (http.max_body_bytes), is a round bound
// far above real categories; the record as a whole must fit a Kafka
// message anyway.
inline constexpr std::size_t kMaxReferenceOriginBytes = 1024;
inline constexpr std::size_t kMaxReferenceCategoryBytes = std::size_t{1} << 24;

struct ReferenceRecord {
  std::string stream;            // the configuration's name, 1..kMaxPartialNameBytes bytes
  std::int64_t version = 0;      // >= 1: the stream's reference version (partials name it)
  std::string origin;            // "capture", "file:<path>", "import:<path>", ...; diagnostics
  std::int64_t created_at_ms = 0;
  StreamReferences references;   // one entry per feature, pair and group, in config order
};

// Empty when `record` fits `stream`, else its first violation.
std::string reference_record_problem(const ReferenceRecord& record,
                                     const config::StreamConfig& stream);

// REQUIRES: `record` fits `stream`; throws std::invalid_argument naming the
// first violation otherwise.
std::vector<std::byte> encode_reference_record(const ReferenceRecord& record,
                                               const config::StreamConfig& stream);

// Throws InputError naming the defect (and the feature, pair or group it is
// in) on anything but the canonical encoding of a record that fits
// `stream`, and never crashes. It allocates in proportion to the input's
// size, plus each present pair's dense cells (kMaxPairCells words at most):
// no length is trusted before it is checked. REQUIRES: `stream`'s pairs
// and groups name features of it, as parse_config() guarantees (else
// std::invalid_argument, as the encoder).
ReferenceRecord decode_reference_record(std::span<const std::byte> bytes,
                                        const config::StreamConfig& stream);

// The record of `references` for `stream`, its version derived from the
// references alone (a hash of their canonical bytes, >= 1): every instance
// that reads the same reference file, or captures the same rows, gets the
// same version, and different references get different ones but for a
// 2^-62 chance. REQUIRES: the record fits `stream`.
ReferenceRecord versioned_reference_record(const config::StreamConfig& stream,
                                           StreamReferences references, std::string origin,
                                           std::int64_t created_at_ms);

}  // namespace driftd::cluster
